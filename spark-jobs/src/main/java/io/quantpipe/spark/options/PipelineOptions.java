package io.quantpipe.spark.options;

import io.quantpipe.config.ConfFile;
import io.quantpipe.config.OptionReader;
import io.quantpipe.eval.QualityGate;
import io.quantpipe.hnsw.HnswConfig;
import io.quantpipe.hnsw.HnswPartitionBuilder;
import io.quantpipe.strategy.Strategy;
import io.quantpipe.vector.Similarity;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Everything one pipeline run needs, as read from a {@code conf/*.conf} profile with command-line
 * overrides on top. Every key is a kebab-case constant below with its default beside it; an unknown
 * key, a wrong type or an out-of-range value is an error that names the key and the value. Keys
 * starting with {@code spark.} are collected in {@link #sparkConf} and handed to Spark unchanged;
 * keys starting with {@code airflow.} belong to the scheduler (airflow/quantpipe_dags reads them
 * from the same profile) and keys starting with {@code cost.} are the cost model's (bin/cost-model):
 * both are ignored here. Credentials are refused, whatever their prefix.
 *
 * @param input a TEXMEX directory ({@code base.fvecs}, optional {@code query.fvecs} and
 *     {@code groundtruth.ivecs}), an fvecs file, or a Parquet or Delta table; a path or Hadoop URI
 * @param inputFormat how to read {@code input}
 * @param idColumn the id column of a Parquet/Delta input ({@code long})
 * @param vectorColumn the vector column of a Parquet/Delta input ({@code array<float>})
 * @param queries held-out queries (fvecs); {@code null} takes {@code query.fvecs} of a TEXMEX input,
 *     else holds {@code evalQueries} rows of the corpus out of the index
 * @param output the index root (path or Hadoop URI); versions are published below it
 * @param maxRejectFraction the job fails when more than this fraction of input rows is rejected
 * @param calibrationSamples scalar-quantile calibration sample size
 * @param trainSamples the seeded sample k-means++ initialises PQ and the coarse centroids from
 * @param pqSampleFraction fraction of the corpus each PQ Lloyd iteration reads (1 = all of it)
 * @param partitions coarse (IVF) partitions P, one HNSW graph each
 * @param hnswBuildScores what each partition's graph is linked on ({@code hnsw-build-scores}: float
 *     or codes; see {@link HnswPartitionBuilder.BuildScores})
 * @param includeVectors whether shards also carry the float vector (for rescoring elsewhere)
 * @param delta whether to also write the shards as a Delta table partitioned by {@code partition}
 * @param evalQueries at most this many queries are evaluated
 * @param targetRecall with a value in (0, 1], the evaluate stage chooses the cheapest {@code nprobe},
 *     {@code ef} and oversampling reaching this recall@{@code evalK} on the held-out queries, and
 *     nodes serve with them; 0 serves (and evaluates) at {@code eval-ef}, {@code eval-nprobe} and
 *     {@code eval-oversample}
 * @param retainVersions published versions kept (the current one always is)
 * @param gate the floors of the {@code gate} stage: recall@{@code evalK} and compression ratio
 * @param inputPartitions Spark partitions of the corpus, 0 for Spark's default parallelism
 * @param sparkConf {@code spark.*} settings, in the order given
 */
public record PipelineOptions(String input, InputFormat inputFormat, String idColumn, String vectorColumn,
    String queries, String output, Similarity metric, Strategy strategy, long seed,
    double maxRejectFraction, int calibrationSamples, int trainSamples, int pqM, int pqIterations,
    double pqSampleFraction, int partitions, int coarseIterations, HnswConfig hnsw, HnswPartitionBuilder.BuildScores hnswBuildScores,
    boolean includeVectors,
    boolean delta, int evalK, int evalEf, int evalNprobe, int evalOversample, int evalQueries,
    double targetRecall, int retainVersions, QualityGate gate, int inputPartitions, Map<String, String> sparkConf) {

  /** How {@code input} is read. */
  public enum InputFormat { AUTO, FVECS, PARQUET, DELTA }

  public static final String INPUT = "input";
  public static final String INPUT_FORMAT = "input-format";
  public static final String ID_COLUMN = "id-column";
  public static final String VECTOR_COLUMN = "vector-column";
  public static final String QUERIES = "queries";
  public static final String OUTPUT = "output";
  public static final String METRIC = "metric";
  public static final String STRATEGY = "strategy";
  public static final String SEED = "seed";
  public static final String MAX_REJECT_FRACTION = "max-reject-fraction";
  public static final String CALIBRATION_SAMPLES = "calibration-samples";
  public static final String TRAIN_SAMPLES = "train-samples";
  public static final String PQ_M = "pq-m";
  public static final String PQ_ITERATIONS = "pq-iterations";
  public static final String PQ_SAMPLE_FRACTION = "pq-sample-fraction";
  public static final String PARTITIONS = "partitions";
  public static final String COARSE_ITERATIONS = "coarse-iterations";
  public static final String HNSW_M = "hnsw-m";
  public static final String HNSW_EF_CONSTRUCTION = "hnsw-ef-construction";
  public static final String HNSW_BUILD_SCORES = "hnsw-build-scores";
  public static final String INCLUDE_VECTORS = "include-vectors";
  public static final String DELTA = "delta";
  public static final String EVAL_K = "eval-k";
  public static final String EVAL_EF = "eval-ef";
  public static final String EVAL_NPROBE = "eval-nprobe";
  public static final String EVAL_OVERSAMPLE = "eval-oversample";
  public static final String EVAL_QUERIES = "eval-queries";
  public static final String TARGET_RECALL = "target-recall";
  public static final String RETAIN_VERSIONS = "retain-versions";
  public static final String INPUT_PARTITIONS = "input-partitions";
  public static final String GATE_MIN_RECALL = "gate-min-recall";
  public static final String GATE_MIN_COMPRESSION = "gate-min-compression";
  /** Prefix of the scheduler's keys, which share the profile and are ignored by the job. */
  public static final String AIRFLOW_PREFIX = "airflow.";
  /** Keys of the cost model ({@code bin/cost-model}, docs/cost-model.md): profile inputs the pipeline skips. */
  public static final String COST_PREFIX = "cost.";

  /** Every key and its default ({@code ""} = none; required keys have no entry). */
  public static final Map<String, String> DEFAULTS = defaults();

  private static Map<String, String> defaults() {
    Map<String, String> d = new LinkedHashMap<>();
    d.put(INPUT_FORMAT, "auto");
    d.put(ID_COLUMN, "id");
    d.put(VECTOR_COLUMN, "vector");
    d.put(QUERIES, "");
    d.put(METRIC, "l2");
    d.put(STRATEGY, "hybrid-pq");
    d.put(SEED, "42");
    d.put(MAX_REJECT_FRACTION, "0.01");
    d.put(CALIBRATION_SAMPLES, "10000");
    d.put(TRAIN_SAMPLES, "50000");
    d.put(PQ_M, "0");
    d.put(PQ_ITERATIONS, "10");
    d.put(PQ_SAMPLE_FRACTION, "1.0");
    d.put(PARTITIONS, "4");
    d.put(COARSE_ITERATIONS, "10");
    d.put(HNSW_M, "16");
    d.put(HNSW_EF_CONSTRUCTION, "100");
    d.put(HNSW_BUILD_SCORES, HnswPartitionBuilder.DEFAULT_BUILD_SCORES.cliName());
    d.put(INCLUDE_VECTORS, "true");
    d.put(DELTA, "true");
    d.put(EVAL_K, "10");
    d.put(EVAL_EF, "64");
    d.put(EVAL_NPROBE, "2");
    d.put(EVAL_OVERSAMPLE, "4");
    d.put(EVAL_QUERIES, "100");
    d.put(TARGET_RECALL, "0");
    d.put(RETAIN_VERSIONS, "3");
    d.put(INPUT_PARTITIONS, "0");
    d.put(GATE_MIN_RECALL, "0");        // no floor unless the profile sets one
    d.put(GATE_MIN_COMPRESSION, "1");
    return java.util.Collections.unmodifiableMap(d);
  }

  private static final Set<String> REQUIRED = Set.of(INPUT, OUTPUT);

  public PipelineOptions {
    sparkConf = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(sparkConf));
  }

  /** Parses and validates settings (conf file entries with overrides applied). */
  public static PipelineOptions fromMap(Map<String, String> settings) {
    Map<String, String> own = new LinkedHashMap<>();
    settings.forEach((k, v) -> {
      if (!k.startsWith(AIRFLOW_PREFIX) && !k.startsWith(COST_PREFIX)) {
        own.put(k, v);
      } else {
        OptionReader.checkNotSecret(k);
      }
    });
    Map<String, String> spark = new LinkedHashMap<>();
    Map<String, String> all = OptionReader.withDefaults(own, DEFAULTS, REQUIRED, "spark.", spark);
    OptionReader r = new OptionReader(all);
    return new PipelineOptions(r.string(INPUT), r.choice(INPUT_FORMAT, InputFormat.class), r.string(ID_COLUMN),
        r.string(VECTOR_COLUMN), r.optional(QUERIES), r.string(OUTPUT),
        r.metric(METRIC), r.strategy(STRATEGY), r.longValue(SEED), r.fraction(MAX_REJECT_FRACTION, true),
        r.positive(CALIBRATION_SAMPLES), r.positive(TRAIN_SAMPLES), r.atLeast(PQ_M, 0), r.atLeast(PQ_ITERATIONS, 0),
        r.fraction(PQ_SAMPLE_FRACTION, false), r.positive(PARTITIONS), r.atLeast(COARSE_ITERATIONS, 0),
        r.hnsw(HNSW_M, HNSW_EF_CONSTRUCTION, SEED), buildScores(r), r.bool(INCLUDE_VECTORS), r.bool(DELTA), r.positive(EVAL_K),
        r.positive(EVAL_EF), r.positive(EVAL_NPROBE), r.positive(EVAL_OVERSAMPLE), r.positive(EVAL_QUERIES),
        r.fraction(TARGET_RECALL, true), r.positive(RETAIN_VERSIONS), gate(r), r.atLeast(INPUT_PARTITIONS, 0), spark);
  }

  private static HnswPartitionBuilder.BuildScores buildScores(OptionReader r) {
    try {
      return HnswPartitionBuilder.BuildScores.fromCliName(r.string(HNSW_BUILD_SCORES));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("Option '" + HNSW_BUILD_SCORES + "' " + e.getMessage(), e);
    }
  }

  private static QualityGate gate(OptionReader r) {
    return new QualityGate(r.fraction(GATE_MIN_RECALL, true), r.doubleAtLeast(GATE_MIN_COMPRESSION, 1));
  }

  /** The options as key/value pairs, the form manifests and logs record. */
  public Map<String, String> toMap() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(INPUT, input);
    m.put(INPUT_FORMAT, inputFormat.name().toLowerCase(java.util.Locale.ROOT));
    m.put(ID_COLUMN, idColumn);
    m.put(VECTOR_COLUMN, vectorColumn);
    m.put(QUERIES, queries == null ? "" : queries);
    m.put(OUTPUT, output);
    m.put(METRIC, metric.cliName());
    m.put(STRATEGY, strategy.name());
    m.put(SEED, Long.toString(seed));
    m.put(MAX_REJECT_FRACTION, Double.toString(maxRejectFraction));
    m.put(CALIBRATION_SAMPLES, Integer.toString(calibrationSamples));
    m.put(TRAIN_SAMPLES, Integer.toString(trainSamples));
    m.put(PQ_M, Integer.toString(pqM));
    m.put(PQ_ITERATIONS, Integer.toString(pqIterations));
    m.put(PQ_SAMPLE_FRACTION, Double.toString(pqSampleFraction));
    m.put(PARTITIONS, Integer.toString(partitions));
    m.put(COARSE_ITERATIONS, Integer.toString(coarseIterations));
    m.put(HNSW_M, Integer.toString(hnsw.m()));
    m.put(HNSW_EF_CONSTRUCTION, Integer.toString(hnsw.efConstruction()));
    m.put(HNSW_BUILD_SCORES, hnswBuildScores.cliName());
    m.put(INCLUDE_VECTORS, Boolean.toString(includeVectors));
    m.put(DELTA, Boolean.toString(delta));
    m.put(EVAL_K, Integer.toString(evalK));
    m.put(EVAL_EF, Integer.toString(evalEf));
    m.put(EVAL_NPROBE, Integer.toString(evalNprobe));
    m.put(EVAL_OVERSAMPLE, Integer.toString(evalOversample));
    m.put(EVAL_QUERIES, Integer.toString(evalQueries));
    m.put(TARGET_RECALL, Double.toString(targetRecall));
    m.put(RETAIN_VERSIONS, Integer.toString(retainVersions));
    m.put(INPUT_PARTITIONS, Integer.toString(inputPartitions));
    m.put(GATE_MIN_RECALL, Double.toString(gate.minRecall()));
    m.put(GATE_MIN_COMPRESSION, Double.toString(gate.minCompression()));
    return m;
  }

  /** The candidates rescored per result at search time: {@link #evalOversample} for hybrids, else 1. */
  public int searchOversample() {
    return strategy.hybrid() ? evalOversample : 1;
  }
}
