package io.quantpipe.serving;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.apache.hadoop.fs.Path;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A serving node: an HTTP server (Jetty) in front of the published version it follows. Start it
 * with {@link #start}; it listens at once, answers {@code 503} with the reason until the first
 * version is ready, then serves that version and every later one the root publishes, until
 * {@link #close}. The node never exits on a storage failure or a bad version: it reports them and
 * keeps retrying. Thread-safe.
 */
public final class ServingNode implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ServingNode.class);

  private final ServeOptions options;
  private final NodeMetrics metrics = new NodeMetrics();
  private final VersionFollower follower;
  private final StreamFollower stream;
  private final Server server;
  private final ServerConnector connector;

  private ServingNode(ServeOptions options, String token) throws IOException {
    this.options = options;
    this.stream = options.hasStream() ? StreamFollower.of(options) : null;
    this.follower = new VersionFollower(options, new VersionCache(options.cacheDir(), options.cacheLink()), metrics, stream);
    SearchService search = new SearchService(follower, metrics);
    NodeStatus status = new NodeStatus(options, follower, stream, search, metrics);
    QueuedThreadPool pool = new QueuedThreadPool(options.threads(), Math.min(4, options.threads()));
    pool.setName("http");
    this.server = new Server(pool);
    this.connector = new ServerConnector(server);
    connector.setHost(options.host());
    connector.setPort(options.port());
    server.addConnector(connector);
    server.setHandler(new ApiHandler(options, search, new BenchmarkService(follower), status, metrics, token));
    server.setStopTimeout(5_000);
    metrics.gauge("quantpipe_ready", "1 when a version is served, 0 before", () -> status.ready() ? 1 : 0);
    metrics.gauge("quantpipe_served_version", "The version number being served (0: none yet)",
        () -> follower.current() == null ? 0 : follower.current().version());
    metrics.gauge("quantpipe_live_vectors", "Live vectors in the served version, streamed inserts included",
        () -> follower.current() == null ? 0 : follower.current().index.liveCount());
    metrics.gauge("quantpipe_queries_in_flight", "Queries running on the served version",
        () -> follower.current() == null ? 0 : follower.current().inFlight());
    metrics.gauge("quantpipe_delta_vectors", "Streamed inserts in the served version's delta segment",
        () -> follower.current() == null ? 0 : follower.current().index.deltaCount());
    metrics.gauge("quantpipe_tombstones", "Entries of the served version's partitions deleted by the stream",
        () -> follower.current() == null ? 0 : follower.current().index.tombstoneCount());
    if (stream != null) {
      metrics.gauge("quantpipe_stream_lag_" + stream.lagUnit(), "Stream " + stream.lagUnit()
          + " not yet applied (records of a topic, files of a directory; -1: unknown)", stream::lag);
      metrics.gauge("quantpipe_stream_records", "Stream records read since the node started", stream::records);
    }
  }

  /**
   * Starts listening and following the root.
   *
   * @param token the bearer token API calls must carry, or {@code null} for none
   * @throws IOException when the port cannot be bound or the cache directory made
   * @throws IllegalArgumentException when no Hadoop file system serves the root's scheme
   */
  public static ServingNode start(ServeOptions options, String token) throws Exception {
    checkScheme(options);
    ServingNode node = new ServingNode(options, token);
    try {
      node.server.start();
    } catch (Exception e) {
      node.close();
      throw new IOException("Cannot listen on " + options.host() + ":" + options.port() + ": " + e.getMessage(), e);
    }
    LOG.info("Listening on http://{}:{}; following {} (poll every {} ms, cache {}){}", options.host(), node.port(),
        options.index(), options.pollMillis(), options.cacheDir().toAbsolutePath(), node.stream != null
            ? "; applying " + node.stream.name() : "");
    if (options.portFile() != null) {
      java.nio.file.Path tmp = options.portFile().resolveSibling(options.portFile().getFileName() + ".tmp");
      Files.writeString(tmp, Integer.toString(node.port()), StandardCharsets.UTF_8);
      Files.move(tmp, options.portFile(), java.nio.file.StandardCopyOption.ATOMIC_MOVE,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    if (node.stream != null) {
      node.stream.start();
    }
    node.follower.start();
    return node;
  }

  /** A misspelt scheme is a configuration error, not an outage: refuse to start. */
  private static void checkScheme(ServeOptions options) {
    if (options.indexRoot().localPath() != null) {
      return; // read without Hadoop
    }
    try {
      new Path(options.index()).getFileSystem(options.hadoopConfiguration());
    } catch (org.apache.hadoop.fs.UnsupportedFileSystemException e) {
      throw new IllegalArgumentException("Option 'index' is " + options.index() + ": " + e.getMessage(), e);
    } catch (IOException | RuntimeException e) {
      // Reachability and credentials are checked, and retried, by the follower.
    }
  }

  /** The port the node listens on (the bound one when the options asked for 0). */
  public int port() {
    return connector.getLocalPort();
  }

  /** Blocks until the server stops. */
  public void join() throws InterruptedException {
    server.join();
  }

  @Override
  public void close() throws Exception {
    follower.close();
    if (stream != null) {
      stream.close();
    }
    server.stop();
  }
}
