package io.quantpipe.serving;

import io.quantpipe.config.OptionReader;
import io.quantpipe.storage.IndexRoot;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;

/**
 * A serving node's settings, read from a {@code conf/} profile ({@code key = value}) and the command
 * line ({@code --set KEY=VALUE}, and the flags {@code --index}, {@code --port}, {@code --cache-dir}).
 * Keys starting with {@code hadoop.} go, without the prefix, to the Hadoop configuration that reads
 * the index root ({@code hadoop.fs.s3a.endpoint = ...}), as in the stream job's profile. The bearer
 * token is never a key: it comes from the environment variable {@link #TOKEN_ENV}. Immutable.
 *
 * @param index the published index root: a path, a {@code file:} URI or a Hadoop URI ({@code s3a://bucket/index})
 * @param host the address to listen on
 * @param port the HTTP port; 0 picks a free one (logged, and written to {@code port-file} when set)
 * @param cacheDir the local directory versions are copied into (one subdirectory per version) and
 *     memory-mapped from; a restart reuses what is there and intact
 * @param pollMillis how often the root's {@code _CURRENT} pointer is read
 * @param retryMaxMillis the longest wait between attempts while storage is unreachable (back-off doubles up to it)
 * @param threads HTTP worker threads (Jetty's pool), which bound the queries answered at once
 * @param maxBodyBytes the largest request body accepted
 * @param maxK the largest {@code k} a request may ask for
 * @param maxBatch the most query vectors one batch request may carry
 * @param drainMillis how long a replaced version waits for its running queries before it is closed anyway
 * @param prepareShare the share of one core that preparing the next version (copy, check, warm-up)
 *     and re-reading the cache may take while a version is served, in (0, 1]: the rest is the
 *     queries'. A smaller share makes a switch take longer and disturb latency less
 * @param cacheLink whether files of a root on the cache's file system are hard-linked into the
 *     cache instead of copied (then checked all the same); false copies them
 * @param portFile a file the bound port is written to once the node listens (empty for none)
 * @param streamTopic the stream job's output topic to apply (inserts and deletes), or empty for none
 * @param streamBrokers the Kafka brokers of {@code streamTopic}, {@code host:port,...}
 * @param streamParquet the stream job's Parquet output directory ({@code parquet-output}: a path,
 *     {@code file:} or Hadoop URI) to apply instead of a topic, or empty for none
 * @param hadoopConf {@code hadoop.*} settings with the prefix removed
 * @param kafkaConf {@code kafka.*} settings with the prefix removed, for the stream consumer
 *     (security protocol, SASL mechanism, ...; secrets come from the environment as Kafka's config
 *     providers read them, never from a profile)
 */
public record ServeOptions(String index, String host, int port, Path cacheDir, int pollMillis, int retryMaxMillis,
    int threads, int maxBodyBytes, int maxK, int maxBatch, int drainMillis, double prepareShare, boolean cacheLink, Path portFile,
    String streamTopic, String streamBrokers, String streamParquet, Map<String, String> hadoopConf, Map<String, String> kafkaConf) {
  public static final String INDEX = "index";
  public static final String HOST = "host";
  public static final String PORT = "port";
  public static final String CACHE_DIR = "cache-dir";
  public static final String POLL_MS = "poll-ms";
  public static final String RETRY_MAX_MS = "retry-max-ms";
  public static final String THREADS = "threads";
  public static final String MAX_BODY_BYTES = "max-body-bytes";
  public static final String MAX_K = "max-k";
  public static final String MAX_BATCH = "max-batch";
  public static final String DRAIN_MS = "drain-ms";
  public static final String PREPARE_SHARE = "prepare-share";
  public static final String CACHE_LINK = "cache-link";
  public static final String PORT_FILE = "port-file";
  public static final String STREAM_TOPIC = "stream-topic";
  public static final String STREAM_BROKERS = "stream-brokers";
  public static final String STREAM_PARQUET = "stream-parquet";
  /** The environment variable holding the bearer token; unset or empty: no authentication. */
  public static final String TOKEN_ENV = "QUANTPIPE_SERVE_TOKEN";
  private static final String HADOOP_PREFIX = "hadoop.";
  private static final String KAFKA_PREFIX = "kafka.";

  private static final Map<String, String> DEFAULTS = Map.ofEntries(
      Map.entry(HOST, "0.0.0.0"),
      Map.entry(PORT, "8080"),
      Map.entry(CACHE_DIR, "out/serve-cache"),
      Map.entry(POLL_MS, "1000"),
      Map.entry(RETRY_MAX_MS, "30000"),
      Map.entry(THREADS, "16"),
      Map.entry(MAX_BODY_BYTES, Integer.toString(16 << 20)),
      Map.entry(MAX_K, "1000"),
      Map.entry(MAX_BATCH, "1024"),
      Map.entry(DRAIN_MS, "30000"),
      Map.entry(PREPARE_SHARE, "0.25"),
      Map.entry(CACHE_LINK, "true"),
      Map.entry(PORT_FILE, ""),
      Map.entry(STREAM_TOPIC, ""),
      Map.entry(STREAM_BROKERS, ""),
      Map.entry(STREAM_PARQUET, ""));

  /**
   * Validates and types {@code settings}.
   *
   * @throws IllegalArgumentException naming the bad key and value
   */
  public static ServeOptions fromMap(Map<String, String> settings) {
    Map<String, String> own = new LinkedHashMap<>();
    Map<String, String> hadoopConf = new LinkedHashMap<>();
    Map<String, String> kafkaConf = new LinkedHashMap<>();
    settings.forEach((k, v) -> {
      OptionReader.checkNotSecret(k);
      if (k.startsWith(HADOOP_PREFIX)) {
        hadoopConf.put(k.substring(HADOOP_PREFIX.length()), v.strip());
      } else if (k.startsWith(KAFKA_PREFIX)) {
        kafkaConf.put(k.substring(KAFKA_PREFIX.length()), v.strip());
      } else {
        own.put(k, v);
      }
    });
    Map<String, String> all = OptionReader.withDefaults(own, DEFAULTS, Set.of(INDEX), HADOOP_PREFIX, new LinkedHashMap<>());
    OptionReader r = new OptionReader(all);
    int port = r.atLeast(PORT, 0);
    if (port > 65535) {
      throw new IllegalArgumentException("Option '" + PORT + "' must be a TCP port in [0, 65535]; got " + port);
    }
    String portFile = r.optional(PORT_FILE);
    String topic = all.get(STREAM_TOPIC).strip();
    String brokers = all.get(STREAM_BROKERS).strip();
    String parquet = all.get(STREAM_PARQUET).strip();
    if (!topic.isEmpty() && !parquet.isEmpty()) {
      throw new IllegalArgumentException("Options '" + STREAM_TOPIC + "' (" + topic + ") and '" + STREAM_PARQUET + "' ("
          + parquet + ") name two streams; a node applies one: set either");
    }
    if (!topic.isEmpty() && brokers.isEmpty()) {
      throw new IllegalArgumentException("Option '" + STREAM_TOPIC + "' is " + topic + ", so option '" + STREAM_BROKERS
          + "' must name the Kafka brokers (host:port,...); it is empty");
    }
    return new ServeOptions(r.string(INDEX), r.string(HOST), port, Path.of(r.string(CACHE_DIR)), r.positive(POLL_MS),
        r.positive(RETRY_MAX_MS), r.atLeast(THREADS, 4), r.positive(MAX_BODY_BYTES), r.positive(MAX_K),
        r.positive(MAX_BATCH), r.atLeast(DRAIN_MS, 0), r.fraction(PREPARE_SHARE, false), r.bool(CACHE_LINK), portFile == null ? null : Path.of(portFile), topic, brokers, parquet,
        hadoopConf, kafkaConf);
  }

  /** Whether the node applies a stream. */
  public boolean hasStream() {
    return !streamTopic.isEmpty() || !streamParquet.isEmpty();
  }

  /**
   * The Hadoop settings that read a remote root: retries turned down so that an unreachable store
   * is reported in seconds (the node retries on its own schedule), then the profile's settings.
   */
  public Map<String, String> hadoopSettings() {
    Map<String, String> c = new LinkedHashMap<>();
    c.put("fs.s3a.attempts.maximum", "1");
    c.put("fs.s3a.retry.limit", "1");
    c.put("fs.s3a.retry.interval", "100ms");
    c.put("fs.s3a.connection.establish.timeout", "5s");
    c.put("fs.s3a.connection.timeout", "10s");
    c.putAll(hadoopConf);
    return c;
  }

  /** {@link #hadoopSettings()} as a Hadoop configuration, for the reads only Hadoop serves (listing versions). */
  public Configuration hadoopConfiguration() {
    Configuration c = new Configuration();
    hadoopSettings().forEach(c::set);
    return c;
  }

  /**
   * The index root as a store: a local path or {@code file:} URI is read directly, without
   * Hadoop (whose start-up, a second of a node's start on one core, buys a local root nothing);
   * any other URI through Hadoop with {@link #hadoopSettings()}.
   */
  public IndexRoot indexRoot() {
    return new IndexRoot(index, hadoopSettings());
  }
}
