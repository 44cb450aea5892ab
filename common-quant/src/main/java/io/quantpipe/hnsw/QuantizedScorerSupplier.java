package io.quantpipe.hnsw;

import io.quantpipe.quant.CodeScorer;
import io.quantpipe.quant.EncodedVectors;
import io.quantpipe.quant.QueryScorer;
import io.quantpipe.vector.FloatVectors;

/**
 * Scores codes through their quantizer's asymmetric {@link CodeScorer}, for building a graph over
 * quantized codes: the inserted node is the query (its float vector, which the batch build has)
 * and its neighbours are scored as codes, the way searches will later see them. Thread-safe.
 */
public final class QuantizedScorerSupplier implements ScorerSupplier {
  private final FloatVectors vectors;
  private final EncodedVectors codes;

  /** @param vectors the raw vectors the codes were encoded from, same ordinals */
  public QuantizedScorerSupplier(FloatVectors vectors, EncodedVectors codes) {
    if (vectors.count() != codes.count()) {
      throw new IllegalArgumentException(String.format(
          "%d vectors but %d codes", vectors.count(), codes.count()));
    }
    this.vectors = vectors;
    this.codes = codes;
  }

  @Override
  public int size() {
    return codes.count();
  }

  @Override
  public QueryScorer scorer(int ordinal) {
    return codes.scorer(vectors.get(ordinal));
  }

  @Override
  public QueryScorer scorer(float[] query) {
    return codes.scorer(query);
  }
}
