package io.quantpipe.advise;

import java.util.Locale;
import io.quantpipe.eval.EvalResult;

/**
 * One evaluated strategy of an advice: what it reached on the sample and what it would need at the
 * full corpus size. Immutable.
 *
 * @param spec the strategy and its grid parameters
 * @param result the measurement on the sample, as {@code evaluate} reports it
 * @param memory the projection to the full corpus
 */
public record AdviceCandidate(CandidateSpec spec, EvalResult result, MemoryProjection memory) {

  /** recall@k at the advice's k, on the sample. */
  public double recall() {
    return result.recallAtK();
  }

  /** Mean single-thread time of one query on the sample, in milliseconds (best of the timed passes). */
  public double latencyMs() {
    return 1e3 * result.querySeconds() / result.nq();
  }

  public boolean meetsRecall(AdviseOptions o) {
    return recall() >= o.targetRecall();
  }

  public boolean fitsMemory(AdviseOptions o) {
    return memory.memoryGb() <= o.maxMemoryGb();
  }

  public boolean fitsLatency(AdviseOptions o) {
    return !o.hasLatencyBudget() || latencyMs() <= o.latencyBudgetMs();
  }

  /** Whether it meets the recall target within the memory and latency limits. */
  public boolean meetsAll(AdviseOptions o) {
    return meetsRecall(o) && fitsMemory(o) && fitsLatency(o);
  }

  /**
   * How far it is from meeting every limit: the largest relative shortfall over recall, memory and
   * latency (0 when it meets them all).
   */
  double shortfall(AdviseOptions o) {
    double gap = Math.max(0, (o.targetRecall() - recall()) / o.targetRecall());
    gap = Math.max(gap, (memory.memoryGb() - o.maxMemoryGb()) / o.maxMemoryGb());
    if (o.hasLatencyBudget()) {
      gap = Math.max(gap, (latencyMs() - o.latencyBudgetMs()) / o.latencyBudgetMs());
    }
    return gap;
  }

  /** One line on how it stands against the limits, e.g. {@code recall@10 0.912 < 0.95; 19.6 GB > 16 GB}. */
  public String verdict(AdviseOptions o) {
    StringBuilder b = new StringBuilder();
    if (!meetsRecall(o)) {
      b.append(String.format(Locale.ROOT, "recall@%d %.4f < %s", o.k(), recall(), AdviceCandidate.plain(o.targetRecall())));
    }
    if (!fitsMemory(o)) {
      b.append(b.length() > 0 ? "; " : "").append(String.format(Locale.ROOT, "%.2f GB > %s GB", memory.memoryGb(),
          AdviceCandidate.plain(o.maxMemoryGb())));
    }
    if (!fitsLatency(o)) {
      b.append(b.length() > 0 ? "; " : "").append(String.format(Locale.ROOT, "%.3f ms > %s ms", latencyMs(),
          AdviceCandidate.plain(o.latencyBudgetMs())));
    }
    return b.length() == 0 ? "meets the recall target within the limits" : b.toString();
  }

  /** A limit as the user wrote it: {@code 0.95}, {@code 16}, without trailing zeros. */
  public static String plain(double v) {
    return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
  }
}
