package io.quantpipe.spark.jobs;

import io.quantpipe.spark.options.PipelineOptions;
import io.quantpipe.spark.progress.StageProgress;
import io.quantpipe.spark.stages.Stage;
import io.quantpipe.spark.stages.StageRunner;
import java.io.IOException;
import java.util.UUID;
import org.apache.spark.sql.SparkSession;

/**
 * The batch pipeline in one Spark session, every {@link Stage} in order: import, calibrate, train,
 * coarse partitioning, encode, HNSW partitions, evaluate, quality gate, publish. The Airflow build
 * DAG runs the same stages one {@code spark-submit} each; both write the same version directory:
 *
 * <pre>
 * versions/v-NNNNNN/input/      canonical input table (Parquet: id, vector)
 *                   rejected/   rejected rows (id, reason, vector)
 *                   stages/     each stage's record (import.json ... gate.json), statistics.qps
 *                   shards/     quantized Parquet shards (id, partition, code, codebook_version[, vector])
 *                   delta/      the shards as a Delta table partitioned by partition
 *                   index/      index.json, quantizer.qpa, centroids.fvecs, part-NNNNN.qph/.fvecs
 *                   manifest.json
 * </pre>
 *
 * The manifest is written last and the current-version pointer switched after it, so a failed run
 * (or one stopped by its quality gate) leaves the previous version current.
 */
public final class Pipeline {
  private Pipeline() {}

  /** Runs every stage under a fresh run id. */
  public static PipelineResult run(SparkSession spark, PipelineOptions o) throws IOException {
    return run(spark, o, "pipeline-" + UUID.randomUUID());
  }

  /**
   * Runs every stage as run {@code runId}.
   *
   * @throws io.quantpipe.spark.stages.QualityGateException when the index is below the floors
   */
  public static PipelineResult run(SparkSession spark, PipelineOptions o, String runId) throws IOException {
    return run(spark, o, runId, null);
  }

  /**
   * Runs every stage as run {@code runId}, reporting each stage's progress and result to
   * {@code progress} when it is not null.
   */
  public static PipelineResult run(SparkSession spark, PipelineOptions o, String runId, StageProgress progress)
      throws IOException {
    try (StageRunner runner = new StageRunner(() -> spark, spark.sparkContext().hadoopConfiguration(), o, runId)) {
      Object last = null;
      for (Stage stage : Stage.values()) {
        last = progress == null ? runner.run(stage) : run(runner, stage, progress);
      }
      return (PipelineResult) last;
    }
  }

  /** One stage between its progress lines. */
  public static Object run(StageRunner runner, Stage stage, StageProgress progress) throws IOException {
    progress.begin(stage);
    try {
      Object record = runner.run(stage);
      progress.end(record);
      return record;
    } catch (IOException | RuntimeException e) {
      progress.fail();
      throw e;
    }
  }
}
