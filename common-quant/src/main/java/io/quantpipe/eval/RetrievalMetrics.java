package io.quantpipe.eval;

import java.util.HashSet;
import java.util.Set;

/**
 * Retrieval quality of one answer against exact neighbours, each in [0, 1]. The relevant set at
 * depth {@code r} is the exact top-{@code r}; relevance is binary.
 * <ul>
 *   <li>recall@r = |approximate top-r ∩ exact top-r| / r (the ANN-benchmarks definition, as in
 *       {@code reference_ann.py});
 *   <li>precision@k = |approximate top-k ∩ exact top-k| / (number returned, at most k);
 *   <li>NDCG@k = DCG / ideal DCG with gain 1/log2(rank + 1) for each relevant result;
 *   <li>MAP@k = mean over relevant results found of precision at their rank, divided by k.
 * </ul>
 * Stateless.
 */
public final class RetrievalMetrics {
  private RetrievalMetrics() {}

  private static Set<Integer> top(int[] ids, int r) {
    Set<Integer> s = new HashSet<>();
    for (int i = 0; i < Math.min(r, ids.length); i++) {
      s.add(ids[i]);
    }
    return s;
  }

  public static double recall(int[] approx, int[] exact, int r) {
    Set<Integer> truth = top(exact, r);
    int hits = 0;
    for (int i = 0; i < Math.min(r, approx.length); i++) {
      if (truth.contains(approx[i])) {
        hits++;
      }
    }
    return hits / (double) r;
  }

  public static double precision(int[] approx, int[] exact, int k) {
    int returned = Math.min(k, approx.length);
    if (returned == 0) {
      return 0;
    }
    return recall(approx, exact, k) * k / returned;
  }

  public static double ndcg(int[] approx, int[] exact, int k) {
    Set<Integer> truth = top(exact, k);
    double dcg = 0;
    double ideal = 0;
    for (int i = 0; i < k; i++) {
      double gain = 1 / (Math.log(i + 2) / Math.log(2));
      ideal += gain;
      if (i < approx.length && truth.contains(approx[i])) {
        dcg += gain;
      }
    }
    return dcg / ideal;
  }

  public static double averagePrecision(int[] approx, int[] exact, int k) {
    Set<Integer> truth = top(exact, k);
    double sum = 0;
    int hits = 0;
    for (int i = 0; i < Math.min(k, approx.length); i++) {
      if (truth.contains(approx[i])) {
        hits++;
        sum += hits / (double) (i + 1);
      }
    }
    return sum / k;
  }
}
