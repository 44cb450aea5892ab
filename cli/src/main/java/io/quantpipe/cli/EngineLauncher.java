package io.quantpipe.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a command in a JVM of its {@link Engine}, as {@code spark-submit} and {@code flink run} start
 * a driver: the same Java, the SIMD kernels' module, the engine's flags and classpath plus this
 * CLI's jar, and the same arguments, which that JVM's CLI parses again and runs in-process (or,
 * for an engine with a main of its own, that main with the command's arguments). The
 * engine's log goes to a file under {@code out/logs/} (warnings and errors still reach the
 * terminal; {@code --verbose}: everything), named on one line before the JVM starts; the child's
 * standard streams are the CLI's own, and its exit code is the CLI's. Stateless.
 */
final class EngineLauncher {
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

  private EngineLauncher() {}

  /** Runs {@code args} (the whole command line) in {@code engine}'s JVM; returns its exit code. */
  static int run(Engine engine, String command, List<String> args, boolean verbose) throws IOException, InterruptedException {
    Path home = home();
    Path log = logFile(home, command);
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    String javaOpts = System.getenv("QUANTPIPE_JAVA_OPTS");
    cmd.addAll(List.of((javaOpts == null || javaOpts.isBlank() ? "-Xmx8g" : javaOpts).trim().split("\\s+")));
    cmd.add("--add-modules=jdk.incubator.vector");
    if (engine.sparkFlags()) {
      cmd.addAll(Engine.SPARK_FLAGS);
    }
    cmd.add("-Dquantpipe.engine=" + engine.name());
    cmd.add("-Dquantpipe.home=" + home);
    cmd.add("-Dlog4j2.configurationFile=" + home.resolve("conf").resolve("log4j2.xml"));
    cmd.add("-Dquantpipe.log.file=" + log);
    cmd.add("-Dquantpipe.log.console=" + (verbose ? "INFO" : "WARN"));
    String classpath = engine.classpath(home, version())
        + (engine.mainClass() == null ? java.io.File.pathSeparator + quantpipeJars() : "");
    // The user's own class-sharing flags win over the archive.
    ClassDataArchive archive = engine.classArchive() && !cmd.toString().matches(".*-X(share|X:SharedArchiveFile|X:ArchiveClassesAtExit).*")
        ? ClassDataArchive.of(home, engine.name(), classpath) : null;
    if (archive != null) {
      cmd.addAll(archive.jvmFlags());
    }
    cmd.add("-cp");
    cmd.add(classpath);
    if (engine.mainClass() == null) {
      cmd.add(QuantpipeCli.class.getName());
      cmd.addAll(args);
    } else {
      cmd.add(engine.mainClass());
      cmd.addAll(args.subList(args.indexOf(command) + 1, args.size())); // the CLI's own options stay here
    }
    System.err.println("quantpipe " + command + ": log " + home.relativize(log));
    ProcessBuilder pb = new ProcessBuilder(cmd).inheritIO();
    pb.environment().putIfAbsent("SPARK_LOCAL_IP", "127.0.0.1");
    Process process = pb.start();
    // Ctrl-C reaches the child too (same process group); this hook covers a plain kill of the CLI,
    // and waits for the child so that the class archive it writes at exit is kept.
    Thread reaper = new Thread(() -> {
      process.destroy();
      try {
        if (process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
          publish(archive);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    Runtime.getRuntime().addShutdownHook(reaper);
    int code = process.waitFor();
    publish(archive);
    try {
      Runtime.getRuntime().removeShutdownHook(reaper);
    } catch (IllegalStateException e) {
      // already shutting down: the hook publishes
    }
    if (code != 0) {
      System.err.println("quantpipe " + command + ": exit " + code + "; the engine's log is " + log);
    }
    return code;
  }

  private static void publish(ClassDataArchive archive) {
    if (archive != null) {
      try {
        archive.publish();
      } catch (IOException e) {
        System.err.println("quantpipe: cannot keep the class archive " + archive.path() + ": " + e.getMessage());
      }
    }
  }

  /** The repository the modules were built in ({@code -Dquantpipe.home}, set by {@code bin/quantpipe}). */
  static Path home() {
    String home = System.getProperty("quantpipe.home");
    if (home == null) {
      throw new IllegalStateException("quantpipe.home is not set: run the CLI through bin/quantpipe, which sets it");
    }
    return Path.of(home).toAbsolutePath().normalize();
  }

  private static Path logFile(Path home, String command) throws IOException {
    Path dir = home.resolve("out").resolve("logs");
    Files.createDirectories(dir);
    return dir.resolve(command + "-" + LocalDateTime.now().format(STAMP) + "-" + ProcessHandle.current().pid() + ".log");
  }

  private static String version() {
    String v = QuantpipeCli.class.getPackage().getImplementationVersion();
    return v != null ? v : BuildInfo.get().version();
  }

  /**
   * This CLI's own jar and the project's modules it reads commands from, without their dependencies:
   * the engine JVM builds the same command tree, while its libraries (and its logging backend) stay
   * the engine's own.
   */
  private static String quantpipeJars() {
    List<String> jars = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
      String normalized = entry.replace('\\', '/');
      if (normalized.contains("/io/quantpipe/") || normalized.matches(".*/(cli|bench|spark-jobs|flink-jobs|serving|storage|common-quant)/target/[^/]*")) {
        jars.add(entry);
      }
    }
    return String.join(java.io.File.pathSeparator, jars);
  }
}
