package io.quantpipe.flink;

import io.quantpipe.config.OptionReader;
import io.quantpipe.drift.DriftThresholds;
import io.quantpipe.storage.IndexRoot;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The stream quantizer's settings, read from a {@code conf/} profile ({@code key = value}) and the
 * command line. Keys starting with {@code flink.} go to Flink's configuration without the prefix
 * ({@code flink.state.backend.type = rocksdb}); keys starting with {@code hadoop.} go to the Hadoop
 * configuration that reads a non-local index root and writes the Parquet output
 * ({@code hadoop.fs.s3a.endpoint = ...}).
 *
 * @param bootstrapServers Kafka brokers, {@code host:port,...}
 * @param index the published index root whose current version encodes: a path, a {@code file:} URI or
 *     a Hadoop URI ({@code s3a://bucket/index})
 * @param inputTopic the inserts and deletes (JSON, see {@code InsertParser})
 * @param outputTopic the encoded records (JSON, see {@code EncodedRecordJson}), written exactly once
 * @param deadLetterTopic records that could not be used: original bytes plus a reason header
 * @param groupId the consumer group; offsets are committed on checkpoints, for monitoring
 * @param startingOffsets where a job without state starts reading: earliest, latest, or committed
 *     (the group's, else earliest)
 * @param codebookPollMillis how often the index root's pointer is read
 * @param checkpointMillis the checkpoint interval; output becomes visible to read_committed consumers at
 *     each checkpoint, so it bounds end-to-end latency
 * @param parallelism the parse and encode parallelism
 * @param transactionTimeoutMillis Kafka transaction timeout; at most the broker's
 *     {@code transaction.max.timeout.ms} (15 min by default), well above checkpoint interval plus expected downtime
 * @param transactionalIdPrefix prefix of the sinks' transactional ids: unique per job, stable across restarts
 * @param failureDrillAfter a recovery drill: the first attempt of encoder subtask 0 throws once after
 *     encoding this many records (0: never), so operators can watch a restore from checkpoint
 * @param driftTopic drift events (JSON {@code DriftReport}s), for the retrain DAG
 * @param driftWindow vectors per drift window, per encoder subtask
 * @param driftErrorRatio a window drifts when its mean relative reconstruction error exceeds the
 *     version's training-time figure by this factor
 * @param driftOccupancyPsi a window drifts when its coarse-partition occupancy's population stability
 *     index against the batch build exceeds this (0.25: a major shift by the usual reading)
 * @param parquetOutput where to write the encoded records also as Parquet, in the batch shard
 *     layout (a directory URI on a Flink file system); empty for no Parquet output
 * @param outputVectors whether each encoded insert carries its float32 vector ({@code vector} in
 *     the output JSON): serving nodes need it to rescore streamed entries as they rescore batch ones
 *     (hybrid strategies) and to re-encode them for a version with other codebooks; off, records
 *     are codes only, about 4x smaller at 8 bits, and nodes rank streamed entries by the estimate
 * @param flinkConf {@code flink.*} settings with the prefix removed
 * @param hadoopConf {@code hadoop.*} settings with the prefix removed
 */
public record StreamOptions(String bootstrapServers, String index, String inputTopic, String outputTopic,
    String deadLetterTopic, String groupId, StartingOffsets startingOffsets, int codebookPollMillis,
    int checkpointMillis, int parallelism, int transactionTimeoutMillis, String transactionalIdPrefix,
    int failureDrillAfter, String driftTopic, int driftWindow, double driftErrorRatio, double driftOccupancyPsi,
    String parquetOutput, boolean outputVectors, Map<String, String> flinkConf, Map<String, String> hadoopConf) {
  public static final String BOOTSTRAP_SERVERS = "bootstrap-servers";
  public static final String INDEX = "index";
  public static final String INPUT_TOPIC = "input-topic";
  public static final String OUTPUT_TOPIC = "output-topic";
  public static final String DEAD_LETTER_TOPIC = "dead-letter-topic";
  public static final String GROUP_ID = "group-id";
  public static final String STARTING_OFFSETS = "starting-offsets";
  public static final String CODEBOOK_POLL_MS = "codebook-poll-ms";
  public static final String CHECKPOINT_MS = "checkpoint-interval-ms";
  public static final String PARALLELISM = "parallelism";
  public static final String TRANSACTION_TIMEOUT_MS = "transaction-timeout-ms";
  public static final String TRANSACTIONAL_ID_PREFIX = "transactional-id-prefix";
  public static final String FAILURE_DRILL_AFTER = "failure-drill-after";
  public static final String DRIFT_TOPIC = "drift-topic";
  public static final String DRIFT_WINDOW = "drift-window";
  public static final String DRIFT_ERROR_RATIO = "drift-error-ratio";
  public static final String DRIFT_OCCUPANCY_PSI = "drift-occupancy-psi";
  public static final String PARQUET_OUTPUT = "parquet-output";
  public static final String OUTPUT_VECTORS = "output-vectors";
  private static final String HADOOP_PREFIX = "hadoop.";

  /** Where a job without state starts in the input topic. */
  public enum StartingOffsets { EARLIEST, LATEST, COMMITTED }

  private static final Map<String, String> DEFAULTS = Map.ofEntries(
      Map.entry(INPUT_TOPIC, "quantpipe.inserts"),
      Map.entry(OUTPUT_TOPIC, "quantpipe.encoded"),
      Map.entry(DEAD_LETTER_TOPIC, "quantpipe.dead-letters"),
      Map.entry(GROUP_ID, "quantpipe-stream"),
      Map.entry(STARTING_OFFSETS, "committed"),
      Map.entry(CODEBOOK_POLL_MS, "1000"),
      Map.entry(CHECKPOINT_MS, "1000"),
      Map.entry(PARALLELISM, "1"),
      Map.entry(TRANSACTION_TIMEOUT_MS, "600000"),
      Map.entry(TRANSACTIONAL_ID_PREFIX, "quantpipe-stream"),
      Map.entry(FAILURE_DRILL_AFTER, "0"),
      Map.entry(DRIFT_TOPIC, "quantpipe.drift"),
      Map.entry(DRIFT_WINDOW, "10000"),
      Map.entry(DRIFT_ERROR_RATIO, "1.5"),
      Map.entry(DRIFT_OCCUPANCY_PSI, "0.25"),
      Map.entry(PARQUET_OUTPUT, ""),
      Map.entry(OUTPUT_VECTORS, "true"));
  private static final Set<String> REQUIRED = Set.of(BOOTSTRAP_SERVERS, INDEX);

  /**
   * Validates and types {@code settings}.
   *
   * @throws IllegalArgumentException naming the bad key and value
   */
  public static StreamOptions fromMap(Map<String, String> settings) {
    Map<String, String> own = new LinkedHashMap<>();
    Map<String, String> hadoopConf = new LinkedHashMap<>();
    settings.forEach((k, v) -> {
      OptionReader.checkNotSecret(k);
      if (k.startsWith(HADOOP_PREFIX)) {
        hadoopConf.put(k.substring(HADOOP_PREFIX.length()), v);
      } else {
        own.put(k, v);
      }
    });
    Map<String, String> flink = new LinkedHashMap<>();
    Map<String, String> all = OptionReader.withDefaults(own, DEFAULTS, REQUIRED, "flink.", flink);
    Map<String, String> flinkConf = new LinkedHashMap<>();
    flink.forEach((k, v) -> flinkConf.put(k.substring("flink.".length()), v));
    OptionReader r = new OptionReader(all);
    return new StreamOptions(r.string(BOOTSTRAP_SERVERS), r.string(INDEX), r.string(INPUT_TOPIC),
        r.string(OUTPUT_TOPIC), r.string(DEAD_LETTER_TOPIC), r.string(GROUP_ID),
        r.choice(STARTING_OFFSETS, StartingOffsets.class), r.positive(CODEBOOK_POLL_MS), r.positive(CHECKPOINT_MS),
        r.positive(PARALLELISM), r.positive(TRANSACTION_TIMEOUT_MS), r.string(TRANSACTIONAL_ID_PREFIX),
        r.atLeast(FAILURE_DRILL_AFTER, 0), r.string(DRIFT_TOPIC), r.positive(DRIFT_WINDOW),
        r.doubleAbove(DRIFT_ERROR_RATIO, 1), r.doubleAbove(DRIFT_OCCUPANCY_PSI, 0), all.get(PARQUET_OUTPUT).trim(),
        r.bool(OUTPUT_VECTORS), flinkConf, hadoopConf);
  }

  /** The index root, with the Hadoop settings that read it. */
  public IndexRoot indexRoot() {
    return new IndexRoot(index, hadoopConf);
  }

  /** The drift thresholds: a window is judged once it is full. */
  public DriftThresholds driftThresholds() {
    return new DriftThresholds(driftErrorRatio, driftOccupancyPsi, driftWindow);
  }

  /** The options as key/value pairs, for logs. */
  public Map<String, String> toMap() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(BOOTSTRAP_SERVERS, bootstrapServers);
    m.put(INDEX, index);
    m.put(INPUT_TOPIC, inputTopic);
    m.put(OUTPUT_TOPIC, outputTopic);
    m.put(DEAD_LETTER_TOPIC, deadLetterTopic);
    m.put(GROUP_ID, groupId);
    m.put(STARTING_OFFSETS, startingOffsets.name().toLowerCase(Locale.ROOT));
    m.put(CODEBOOK_POLL_MS, Integer.toString(codebookPollMillis));
    m.put(CHECKPOINT_MS, Integer.toString(checkpointMillis));
    m.put(PARALLELISM, Integer.toString(parallelism));
    m.put(TRANSACTION_TIMEOUT_MS, Integer.toString(transactionTimeoutMillis));
    m.put(TRANSACTIONAL_ID_PREFIX, transactionalIdPrefix);
    m.put(FAILURE_DRILL_AFTER, Integer.toString(failureDrillAfter));
    m.put(DRIFT_TOPIC, driftTopic);
    m.put(DRIFT_WINDOW, Integer.toString(driftWindow));
    m.put(DRIFT_ERROR_RATIO, Double.toString(driftErrorRatio));
    m.put(DRIFT_OCCUPANCY_PSI, Double.toString(driftOccupancyPsi));
    m.put(PARQUET_OUTPUT, parquetOutput);
    m.put(OUTPUT_VECTORS, Boolean.toString(outputVectors));
    return m;
  }
}
