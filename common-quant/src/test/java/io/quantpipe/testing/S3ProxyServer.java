package io.quantpipe.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real S3-compatible server for tests: S3Proxy ({@code org.gaul:s3proxy}, jar path in the system
 * property {@code s3proxy.jar}) with jclouds' filesystem backend, run in its own JVM (its Jackson 3
 * and Jetty 12 clash with Spark's) and bound to 127.0.0.1 on a free port. It checks request
 * signatures, so wrong credentials fail as they would against S3. A bucket is a directory under the
 * backend's base directory. The process's output goes to {@code target/s3proxy-logs/}; {@link #close()}
 * kills the process and deletes the stored objects. Outage tests {@link #kill()} and
 * {@link #restart()} it.
 */
public final class S3ProxyServer implements AutoCloseable {
  private static final long START_TIMEOUT_MS = 30_000;

  private final Path workDir;
  private final Path baseDir;
  private final Path log;
  private final int port;
  private final String accessKey = "quantpipe-test-access";
  private final String secretKey = "quantpipe-test-secret-" + UUID.randomUUID();
  private final Path properties;
  private Process process;

  private S3ProxyServer(Path workDir) throws IOException {
    this.workDir = workDir;
    this.baseDir = Files.createDirectories(workDir.resolve("data"));
    this.port = freePort();
    // Kept after close for post-mortems: target/ when run from the module directory.
    Path logs = Files.isDirectory(Path.of("target")) ? Path.of("target", "s3proxy-logs") : workDir;
    this.log = Files.createDirectories(logs).resolve("s3proxy-" + port + ".log").toAbsolutePath();
    this.properties = workDir.resolve("s3proxy.properties");
    Files.writeString(properties, String.join("\n",
        "s3proxy.endpoint=" + endpoint(),
        "s3proxy.authorization=aws-v2-or-v4",
        "s3proxy.identity=" + accessKey,
        "s3proxy.credential=" + secretKey,
        "s3proxy.ignore-unknown-headers=true",
        "jclouds.provider=filesystem",
        "jclouds.filesystem.basedir=" + baseDir.toAbsolutePath(),
        ""), StandardCharsets.UTF_8);
    this.process = launch();
  }

  private Process launch() throws IOException {
    ProcessBuilder pb = new ProcessBuilder(javaExecutable(), "-Xmx512m", "-jar", jar().toString(),
        "--properties", properties.toString());
    pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    return pb.start();
  }

  /**
   * Kills the server as an outage would ({@code SIGKILL}: requests in flight are cut, new
   * connections refused) and keeps the stored objects for {@link #restart()}.
   */
  public void kill() throws InterruptedException {
    process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
  }

  /** Starts the server again on the same port over the same objects, after {@link #kill()}. */
  public void restart() throws IOException {
    if (process.isAlive()) {
      throw new IllegalStateException("S3Proxy on " + endpoint() + " is running; kill() it first");
    }
    process = launch();
    awaitReady();
  }

  /** Starts a server with a fresh, empty store under {@code parent} and waits until it accepts connections. */
  public static S3ProxyServer start(Path parent) throws IOException {
    S3ProxyServer server = new S3ProxyServer(Files.createTempDirectory(parent, "s3proxy-"));
    try {
      server.awaitReady();
      return server;
    } catch (IOException | RuntimeException e) {
      server.close();
      throw e;
    }
  }

  /** {@code http://127.0.0.1:PORT}: the value for {@code fs.s3a.endpoint}. */
  public String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  public String accessKey() {
    return accessKey;
  }

  public String secretKey() {
    return secretKey;
  }

  /** The server's log (for failure messages). */
  public Path log() {
    return log;
  }

  /**
   * The Hadoop settings that reach this server through S3A: endpoint, region, path-style access,
   * plain HTTP and its keys (in insertion order, for the session builders that take them one by one).
   */
  public java.util.Map<String, String> s3aSettings() {
    java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
    m.put("fs.s3a.endpoint", endpoint());
    m.put("fs.s3a.endpoint.region", "us-east-1");
    m.put("fs.s3a.path.style.access", "true");
    m.put("fs.s3a.connection.ssl.enabled", "false");
    m.put("fs.s3a.access.key", accessKey);
    m.put("fs.s3a.secret.key", secretKey);
    m.put("fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
    return m;
  }

  /** Creates an empty bucket (with the filesystem backend: a directory under the base directory). */
  public void createBucket(String bucket) throws IOException {
    Files.createDirectories(baseDir.resolve(bucket));
  }

  /** Where the filesystem backend keeps {@code bucket/key} (a directory for a key prefix). */
  public Path storedPath(String bucketAndKey) {
    return baseDir.resolve(bucketAndKey);
  }

  /** A port on 127.0.0.1 that nothing listens on (free when this returns). */
  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    }
  }

  private void awaitReady() throws IOException {
    long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
    while (System.currentTimeMillis() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("S3Proxy exited with code " + process.exitValue() + "; log:\n" + tail());
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 500);
        return;
      } catch (IOException notYet) {
        try {
          Thread.sleep(200);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("Interrupted while waiting for S3Proxy", e);
        }
      }
    }
    throw new IllegalStateException("S3Proxy did not listen on " + endpoint() + " within "
        + START_TIMEOUT_MS / 1000 + " s; log:\n" + tail());
  }

  private String tail() {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  private static Path jar() {
    String jar = System.getProperty("s3proxy.jar");
    if (jar == null || jar.isBlank() || jar.startsWith("${") || !Files.isRegularFile(Path.of(jar))) {
      throw new IllegalStateException("System property s3proxy.jar must name the S3Proxy jar-with-dependencies "
          + "(set by surefire from org.gaul:s3proxy); it is '" + jar + "'");
    }
    return Path.of(jar);
  }

  private static String javaExecutable() {
    Path fromHome = Path.of(System.getProperty("java.home"), "bin", "java");
    if (Files.isExecutable(fromHome)) {
      return fromHome.toString();
    }
    return ProcessHandle.current().info().command().orElse("java");
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    try (Stream<Path> files = Files.walk(workDir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
