package io.quantpipe.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A JVM a command runs in when it needs an engine the CLI's own JVM does not carry. Spark 4.0 and
 * Flink 2.1 cannot share a classpath (each ships its own Kryo in the same package), so each engine
 * command runs in a JVM of its engine's module: its jar plus the classpath file Maven writes beside
 * it ({@code target/runtime-classpath*.txt}), with the CLI's jar added so the same command line
 * parses it there. Immutable.
 *
 * @param name the value of {@code -Dquantpipe.engine} in that JVM, which tells the CLI to run the
 *     command in-process
 * @param module the Maven module whose jar and classpath the JVM runs
 * @param classpathFile the classpath file under the module's {@code target/}
 * @param sparkFlags whether the JVM needs Spark's {@code --add-opens} flags on Java 17
 * @param mainClass the one command's own main, which that JVM runs with the command's arguments
 *     instead of this CLI (so it neither carries nor builds the CLI's command tree), or
 *     {@code null} for the CLI
 * @param classArchive whether the JVM maps (or, the first time, writes) a {@link ClassDataArchive}
 *     of its classes: for a JVM whose start time matters, and which is stopped rather than killed
 */
record Engine(String name, String module, String classpathFile, boolean sparkFlags, String mainClass,
    boolean classArchive) {
  static final Engine SPARK = new Engine("spark", "spark-jobs", "runtime-classpath.txt", true, null, false);
  static final Engine FLINK = new Engine("flink", "flink-jobs", "runtime-classpath.txt", false, null, false);
  /**
   * The serving node: Jetty and Hadoop's client, no engine; a JVM of its own so it has its own heap
   * and flags, running the node's main as {@code java -jar} of its jar does, from a class-data
   * archive: a fast start.
   */
  static final Engine SERVING = new Engine("serving", "serving", "runtime-classpath.txt", false,
      "io.quantpipe.serving.ServeCommand", true);
  static final Engine BENCH_SPARK = new Engine("spark", "bench", "runtime-classpath-spark.txt", true, null, false);
  static final Engine BENCH_FLINK = new Engine("flink", "bench", "runtime-classpath-flink.txt", false, null, false);

  /** The flags Spark's own launcher passes on Java 17 (as {@code bin/spark-env.sh} and the poms list them). */
  static final List<String> SPARK_FLAGS = List.of("--add-opens=java.base/java.lang=ALL-UNNAMED",
      "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED", "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
      "--add-opens=java.base/java.io=ALL-UNNAMED", "--add-opens=java.base/java.net=ALL-UNNAMED",
      "--add-opens=java.base/java.nio=ALL-UNNAMED", "--add-opens=java.base/java.util=ALL-UNNAMED",
      "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
      "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED", "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
      "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED", "--add-opens=java.base/sun.security.action=ALL-UNNAMED",
      "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED", "-Djdk.reflect.useDirectMethodHandle=false");

  /** Whether this JVM is one of this engine's, so its commands run here. */
  boolean isCurrent() {
    return name.equals(System.getProperty("quantpipe.engine"));
  }

  /**
   * The engine's classpath under the repository {@code home}: the module's jar, then every
   * dependency.
   *
   * @throws IOException naming the file that is missing (the modules are not built)
   */
  String classpath(Path home, String version) throws IOException {
    Path target = home.resolve(module).resolve("target");
    Path jar = target.resolve(module + "-" + version + ".jar");
    Path file = target.resolve(classpathFile);
    for (Path p : List.of(jar, file)) {
      if (!Files.exists(p)) {
        throw new IOException("The " + module + " module is not built (" + p + " is missing): run 'mvn -DskipTests install' in "
            + home + ", or use bin/quantpipe, which builds on first use");
      }
    }
    return jar + java.io.File.pathSeparator + Files.readString(file).strip();
  }
}
