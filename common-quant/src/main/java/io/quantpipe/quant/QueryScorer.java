package io.quantpipe.quant;

/**
 * Scores the vector with a given ordinal against one query (higher is better). The view that
 * searchers, flat or graph, are written against, so that they are blind to how vectors are stored.
 * One query, one thread.
 */
@FunctionalInterface
public interface QueryScorer {
  float score(int ordinal);
}
