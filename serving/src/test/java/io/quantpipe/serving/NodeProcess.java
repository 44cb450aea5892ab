package io.quantpipe.serving;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A serving node in a JVM of its own, started as an operator would ({@code ServeCommand}'s main,
 * the self-contained jar's entry point) on the module's runtime classpath (its classes and
 * {@code target/runtime-classpath.txt}: no test dependency, so no Flink and no test broker): it listens on a free port
 * (written to a port file, which this waits for) and logs to {@code target/node-logs/}.
 * {@link #close} stops it with SIGTERM, {@link #kill} with SIGKILL.
 */
final class NodeProcess implements AutoCloseable {
  private static final long START_TIMEOUT_MS = 60_000;

  private final Process process;
  private final Path log;
  private final int port;

  private NodeProcess(Process process, Path log, int port) {
    this.process = process;
    this.log = log;
    this.port = port;
  }

  /**
   * Starts a node on {@code index} with {@code cacheDir}, extra {@code --set} settings and
   * environment variables, and waits until it listens (not until it is ready).
   */
  static NodeProcess start(String index, Path cacheDir, Map<String, String> settings, Map<String, String> env)
      throws IOException, InterruptedException {
    Path work = Files.createDirectories(Path.of("target", "node-logs")).toAbsolutePath();
    Path portFile = Files.createTempFile(work, "port-", ".txt");
    Files.delete(portFile);
    Path log = Files.createTempFile(work, "node-", ".log");
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx1g", "--add-modules=jdk.incubator.vector", "-Daws.disableEc2Metadata=true",
        "-cp", runtimeClasspath(), ServeCommand.class.getName(),
        "--index", index, "--port", "0", "--cache-dir", cacheDir.toString(),
        "--set", "host=127.0.0.1", "--set", "port-file=" + portFile));
    settings.forEach((k, v) -> cmd.addAll(List.of("--set", k + "=" + v)));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().putAll(env);
    Process process = pb.start();
    long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
    while (!Files.exists(portFile)) {
      if (!process.isAlive()) {
        throw new IllegalStateException("The node exited with code " + process.exitValue() + "; log:\n" + Files.readString(log));
      }
      if (System.currentTimeMillis() > deadline) {
        process.destroyForcibly();
        throw new IllegalStateException("The node did not listen within 60 s; log:\n" + Files.readString(log));
      }
      Thread.sleep(50);
    }
    return new NodeProcess(process, log, Integer.parseInt(Files.readString(portFile, StandardCharsets.UTF_8).strip()));
  }

  /** What the node runs with in production: this module's classes and its runtime dependencies. */
  private static String runtimeClasspath() throws IOException {
    Path deps = Path.of("target", "runtime-classpath.txt");
    return Path.of("target", "classes").toAbsolutePath() + java.io.File.pathSeparator
        + Files.readString(deps, StandardCharsets.UTF_8).strip();
  }

  int port() {
    return port;
  }

  NodeClient client() {
    return new NodeClient(port, null);
  }

  NodeClient client(String token) {
    return new NodeClient(port, token);
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** The node's output so far. */
  String log() throws IOException {
    return Files.readString(log, StandardCharsets.UTF_8);
  }

  /** SIGKILL: no shutdown hook runs. */
  void kill() throws InterruptedException {
    process.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
