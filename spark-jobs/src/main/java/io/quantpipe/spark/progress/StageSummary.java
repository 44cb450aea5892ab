package io.quantpipe.spark.progress;

import io.quantpipe.spark.jobs.EvaluateJob;
import io.quantpipe.spark.jobs.HnswJob;
import io.quantpipe.spark.jobs.PipelineResult;
import io.quantpipe.spark.stages.StageRecords;
import java.util.Locale;

/** The one-line result of a stage, from the record it wrote. Stateless. */
final class StageSummary {
  private StageSummary() {}

  static String of(Object record) {
    if (record instanceof StageRecords.Imported r) {
      return String.format(Locale.ROOT, "%,d vectors of %d dims imported, %,d rejected, %d queries (%s)",
          r.result().valid(), r.result().dim(), r.result().rejected(), r.queryCount(), r.querySource());
    } else if (record instanceof StageRecords.Calibrated r) {
      return String.format(Locale.ROOT, "%,d vectors summarised (%,.0f vectors/s)", r.count(), r.count() / Math.max(r.seconds(), 1e-3));
    } else if (record instanceof StageRecords.Trained r) {
      return r.modelBytes() == 0 ? "no model (float32)" : String.format(Locale.ROOT, "model of %,d bytes", r.modelBytes());
    } else if (record instanceof StageRecords.Coarse r) {
      return r.partitions() + " partitions";
    } else if (record instanceof StageRecords.Encoded r) {
      return String.format(Locale.ROOT, "%,d codes of %d bytes (%,.0f vectors/s)", r.result().rows(), r.result().codeBytes(),
          r.result().rows() / Math.max(r.seconds(), 1e-3));
    } else if (record instanceof StageRecords.Built r) {
      long nodes = r.partitions().stream().mapToLong(HnswJob.Built::nodes).sum();
      return String.format(Locale.ROOT, "%d graphs, %,d nodes (%,.0f vectors/s)", r.partitions().size(), nodes,
          nodes / Math.max(r.seconds(), 1e-3));
    } else if (record instanceof StageRecords.Evaluated r) {
      EvaluateJob.Result e = r.result();
      String tuned = e.tuning() == null ? ""
          : String.format(Locale.ROOT, ", %s %.2f over %d settings", e.tuning().reached() ? "tuned for"
              : "best found, short of", e.tuning().targetRecall(), e.tuning().settingsTried());
      return String.format(Locale.ROOT, "recall@%d %.4f on %d queries at nprobe %d, ef %d, oversample %d%s, p50 %.3f ms",
          e.k(), e.recallAtK(), e.queries(), e.nprobe(), e.ef(), e.oversample(), tuned, e.latencyP50Ms());
    } else if (record instanceof StageRecords.Gated r) {
      return (r.passed() ? "passed" : "failed") + String.format(Locale.ROOT, ", compression %.1fx", r.compression());
    } else if (record instanceof PipelineResult r) {
      return "version " + r.version() + " is current";
    }
    return String.valueOf(record);
  }
}
