package io.quantpipe.advise;

import io.quantpipe.strategy.Strategy;
import io.quantpipe.strategy.TrainingOptions;
import io.quantpipe.vector.Similarity;
import java.util.List;

/**
 * What an advice measures and the limits it recommends within. Validated on construction; each
 * message names the command-line option and the value.
 *
 * @param similarity the metric
 * @param k results per query; recall is recall@k
 * @param corpusSize vectors of the full corpus the memory is projected to
 * @param maxMemoryGb the memory limit for serving, in GB (10^9 bytes)
 * @param targetRecall the recall@k the recommendation must reach, in (0, 1]
 * @param latencyBudgetMs the per-query latency limit in milliseconds, or 0 for none
 * @param strategies the strategies to evaluate (PQ ones over {@code pqMs}, hybrids over {@code oversamples})
 * @param pqMs the PQ subspace counts to try, or empty for d/16, d/8 and d/4 (each the largest divisor of d below)
 * @param oversamples the candidate multiples of k to try for hybrids
 * @param graphM the HNSW M of the served graph, counted in memory; 0 projects a flat scan without graph
 * @param rescoreInMemory whether hybrids keep their float32 rescoring vectors in memory (else on disk)
 * @param repeat timed query passes per candidate, the fastest reported
 * @param training how quantizers are trained (its {@code pqM} is overridden per candidate)
 */
public record AdviseOptions(Similarity similarity, int k, long corpusSize, double maxMemoryGb, double targetRecall,
                            double latencyBudgetMs, List<Strategy> strategies, List<Integer> pqMs, List<Integer> oversamples,
                            int graphM, boolean rescoreInMemory, int repeat, TrainingOptions training) {
  public AdviseOptions {
    if (k <= 0) {
      throw new IllegalArgumentException("--k must be positive; got " + k);
    }
    if (corpusSize <= 0) {
      throw new IllegalArgumentException("--corpus-size must be a positive number of vectors; got " + corpusSize);
    }
    if (!(maxMemoryGb > 0) || Double.isInfinite(maxMemoryGb)) {
      throw new IllegalArgumentException("--max-memory-gb must be a positive number of GB; got " + maxMemoryGb);
    }
    if (!(targetRecall > 0 && targetRecall <= 1)) {
      throw new IllegalArgumentException("--target-recall must be in (0, 1]; got " + targetRecall);
    }
    if (!(latencyBudgetMs >= 0) || Double.isInfinite(latencyBudgetMs)) {
      throw new IllegalArgumentException("--latency-budget-ms must be a positive number of milliseconds (or 0 for none); got "
          + latencyBudgetMs);
    }
    for (int m : pqMs) {
      if (m <= 0) {
        throw new IllegalArgumentException("--pq-m-grid values must be positive; got " + m);
      }
    }
    if (oversamples.isEmpty()) {
      throw new IllegalArgumentException("--oversample-grid must list at least one factor");
    }
    for (int o : oversamples) {
      if (o < 1) {
        throw new IllegalArgumentException("--oversample-grid values must be at least 1; got " + o);
      }
    }
    if (graphM == 1 || graphM < 0) {
      throw new IllegalArgumentException("--graph-m must be at least 2 (or 0 for no graph); got " + graphM);
    }
    if (repeat < 1) {
      throw new IllegalArgumentException("--repeat must be at least 1; got " + repeat);
    }
    strategies = List.copyOf(strategies);
    pqMs = List.copyOf(pqMs);
    oversamples = List.copyOf(oversamples);
  }

  /** Whether a latency limit was given. */
  public boolean hasLatencyBudget() {
    return latencyBudgetMs > 0;
  }
}
