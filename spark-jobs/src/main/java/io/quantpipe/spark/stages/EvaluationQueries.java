package io.quantpipe.spark.stages;

import io.quantpipe.spark.io.HadoopFvecs;
import io.quantpipe.spark.io.InputSource;
import io.quantpipe.spark.io.VectorBlocks;
import io.quantpipe.spark.jobs.ImportJob;
import io.quantpipe.spark.jobs.PipelineResult;
import io.quantpipe.spark.options.PipelineOptions;
import io.quantpipe.storage.IndexStore;
import io.quantpipe.vector.FloatVectors;
import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;

/**
 * The queries a run is evaluated on, chosen by the import: up to {@code eval-queries} of the input's
 * query file when it has one, else about {@code eval-queries} rows held out of the corpus
 * ({@link HeldOutQueries}). Either way they are written to {@code stages/queries.fvecs}, so later
 * stages and runs read the same ones and the published version carries them (a serving node's
 * {@code /v1/benchmark} measures on them). Immutable.
 *
 * @param queries the query vectors
 * @param file where later stages read them
 * @param source how they were chosen, for the manifest
 * @param crc32c the CRC32C of the written file
 * @param holdOutBelow ids whose hash is below this are held out of the index ({@code 0}: none)
 */
record EvaluationQueries(FloatVectors queries, String file, String source, long crc32c, long holdOutBelow) {

  /**
   * @throws IllegalArgumentException when the queries' dimension is not the corpus's
   */
  static EvaluationQueries choose(SparkSession spark, PipelineOptions o, InputSource source, ImportJob.Result result,
      StagedRun run, Configuration hadoop) throws IOException {
    String dir = run.versionUri();
    long holdOut = source.queries() == null ? VectorBlocks.holdOutThreshold(o.evalQueries(), result.valid()) : 0;
    FloatVectors queries;
    String querySource;
    if (source.queries() != null) {
      queries = HadoopFvecs.readFvecs(source.queries(), hadoop, o.evalQueries());
      querySource = source.queries();
    } else {
      queries = HeldOutQueries.read(spark, dir + "/input", result.dim(), o.seed(), holdOut, o.evalQueries());
      querySource = "held out of the corpus (" + queries.count() + " rows)";
    }
    if (queries.dim() != result.dim()) {
      throw new IllegalArgumentException(String.format("Queries %s have dimension %d, the corpus %d",
          source.queries(), queries.dim(), result.dim()));
    }
    IndexStore stages = new IndexStore(dir + "/" + StagedRun.STAGES, hadoop);
    HadoopFvecs.writeFvecs(stages, PipelineResult.QUERIES_FILE, queries);
    long crc = IndexStore.crc32c(stages.readBytes(PipelineResult.QUERIES_FILE));
    return new EvaluationQueries(queries, run.stageFile(PipelineResult.QUERIES_FILE), querySource, crc, holdOut);
  }
}
