package io.quantpipe.spark.stages;

import io.quantpipe.eval.QualityGate;
import io.quantpipe.spark.jobs.EncodeJob;
import io.quantpipe.spark.jobs.EvaluateJob;
import io.quantpipe.spark.jobs.HnswJob;
import io.quantpipe.spark.jobs.ImportJob;
import java.util.List;

/**
 * What each stage records in {@code stages/NAME.json} of its version directory, for the stages
 * after it and for the manifest {@code publish} writes. JSON (Jackson maps the records by
 * component name); written by one build of quantpipe and read by the same one within a run.
 */
public final class StageRecords {
  private StageRecords() {}

  /**
   * @param queries the evaluation queries (fvecs): the input's query file, or the rows held out of
   *     the corpus, written to {@code stages/queries.fvecs}
   * @param querySource how the queries were chosen, for the manifest
   * @param queriesCrc the CRC32C of {@code stages/queries.fvecs}, the copy the version publishes
   * @param holdOutBelow ids whose hash is below this are held out of the index ({@code 0}: none)
   */
  public record Imported(ImportJob.Result result, String queries, String querySource, int queryCount,
      long queriesCrc, long holdOutBelow, double seconds) {}

  /** @param fingerprint the corpus fingerprint the quantizer and manifest record */
  public record Calibrated(long count, String fingerprint, double seconds) {}

  /** @param modelBytes the quantizer artifact's size, 0 for {@code none} (no artifact) */
  public record Trained(long modelBytes, long quantizerCrc, double seconds) {}

  public record Coarse(int partitions, double seconds) {}

  public record Encoded(EncodeJob.Result result, double seconds) {}

  public record Built(List<HnswJob.Built> partitions, long indexJsonCrc, double seconds) {}

  /**
   * @param baselineError the quantizer's mean relative reconstruction error on the queries (the
   *     drift baseline), {@code null} for float32
   */
  public record Evaluated(EvaluateJob.Result result, Double baselineError, double seconds) {}

  /** @param compression the compression ratio judged */
  public record Gated(boolean passed, double compression, List<QualityGate.Check> checks) {}
}
