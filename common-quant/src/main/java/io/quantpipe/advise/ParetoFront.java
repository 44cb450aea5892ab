package io.quantpipe.advise;

import java.util.List;

/**
 * The candidates no other candidate beats on every axis at once: memory (less is better), recall
 * (more is better) and latency (less is better). A candidate is dominated when another is at least
 * as good on all three and better on one. Stateless.
 */
public final class ParetoFront {
  private ParetoFront() {}

  /** For each candidate, whether it is on the front. */
  public static boolean[] of(List<AdviceCandidate> candidates) {
    boolean[] front = new boolean[candidates.size()];
    for (int i = 0; i < front.length; i++) {
      front[i] = true;
      for (int j = 0; j < front.length && front[i]; j++) {
        front[i] = j == i || !dominates(candidates.get(j), candidates.get(i));
      }
    }
    return front;
  }

  static boolean dominates(AdviceCandidate a, AdviceCandidate b) {
    long memA = a.memory().memoryBytes();
    long memB = b.memory().memoryBytes();
    boolean noWorse = memA <= memB && a.recall() >= b.recall() && a.latencyMs() <= b.latencyMs();
    boolean better = memA < memB || a.recall() > b.recall() || a.latencyMs() < b.latencyMs();
    return noWorse && better;
  }
}
