package io.quantpipe.quant;

/**
 * Scores the vector with a given ordinal against one query (higher is better). The view that
 * searchers, flat or graph, are written against, so that they are blind to how vectors are stored.
 * One query, one thread.
 */
@FunctionalInterface
public interface QueryScorer {
  float score(int ordinal);

  /**
   * Scores {@code ordinals[0, count)} into {@code out[0, count)}: the same values as that many
   * {@link #score} calls. Searchers hand over a node's whole neighbour list, so that a scorer can
   * do several per step (the build codes score two per pass, and their cache misses overlap).
   */
  default void scores(int[] ordinals, int count, float[] out) {
    for (int j = 0; j < count; j++) {
      out[j] = score(ordinals[j]);
    }
  }
}
