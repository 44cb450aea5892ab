package io.quantpipe.hnsw;

import io.quantpipe.quant.QueryScorer;

/**
 * Scores the nodes of a graph against one of its own nodes: what the {@link HnswBuilder} needs to
 * link a node, and all it knows of the vectors, so that a graph is built the same way over float32
 * vectors or over quantized codes (the idea of Lucene's {@code RandomVectorScorerSupplier}).
 *
 * <p>Implementations are thread-safe; each {@link QueryScorer} they return belongs to one thread.
 */
public interface ScorerSupplier {

  /** The number of vectors, ordinals {@code [0, size())}. */
  int size();

  /** A scorer of every ordinal against the vector of {@code ordinal} (higher is better). */
  QueryScorer scorer(int ordinal);

  /** A scorer of every ordinal against an outside query vector. */
  QueryScorer scorer(float[] query);
}
