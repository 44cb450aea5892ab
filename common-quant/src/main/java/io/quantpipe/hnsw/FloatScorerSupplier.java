package io.quantpipe.hnsw;

import io.quantpipe.quant.QueryScorer;
import io.quantpipe.vector.FloatVectors;
import io.quantpipe.vector.Similarity;

/**
 * Exact float32 scores between vectors held on the heap: the scorer of an unquantized graph, and
 * the float rescoring of a quantized one. Vectors are prepared for the similarity once, here.
 * Thread-safe.
 */
public final class FloatScorerSupplier implements ScorerSupplier {
  private final FloatVectors vectors;
  private final Similarity kernel;
  private final Similarity similarity;

  /** @param vectors raw vectors; normalised here for cosine */
  public FloatScorerSupplier(FloatVectors vectors, Similarity similarity) {
    this.vectors = vectors.prepared(similarity);
    this.similarity = similarity;
    this.kernel = similarity.kernel();
  }

  @Override
  public int size() {
    return vectors.count();
  }

  public FloatVectors vectors() {
    return vectors;
  }

  @Override
  public QueryScorer scorer(int ordinal) {
    float[] data = vectors.data();
    int dim = vectors.dim();
    int qOff = vectors.offset(ordinal);
    return ord -> kernel.score(data, qOff, data, ord * dim, dim);
  }

  @Override
  public QueryScorer scorer(float[] query) {
    if (query.length != vectors.dim()) {
      throw new IllegalArgumentException(String.format(
          "Query dimension %d does not match the vectors' dimension %d", query.length, vectors.dim()));
    }
    float[] q = similarity.prepare(query);
    float[] data = vectors.data();
    int dim = vectors.dim();
    return ord -> kernel.score(q, 0, data, ord * dim, dim);
  }
}
