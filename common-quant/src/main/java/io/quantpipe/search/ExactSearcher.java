package io.quantpipe.search;

import io.quantpipe.vector.FloatVectors;
import io.quantpipe.vector.Similarity;

/**
 * Brute-force search over float32 vectors: the {@code none} strategy, the ground truth, and the
 * rescoring stage of hybrid search. Thread-safe.
 */
public final class ExactSearcher implements VectorSearcher {
  private final FloatVectors vectors;
  private final Similarity similarity;

  /** @param vectors the corpus as given; normalised here for cosine */
  public ExactSearcher(FloatVectors vectors, Similarity similarity) {
    this.vectors = vectors.prepared(similarity);
    this.similarity = similarity;
  }

  @Override
  public SearchResult search(float[] query, int k) {
    float[] q = similarity.prepare(query);
    Similarity kernel = similarity.kernel();
    TopK top = new TopK(Math.min(k, vectors.count()));
    float[] data = vectors.data();
    int dim = vectors.dim();
    for (int i = 0; i < vectors.count(); i++) {
      top.offer(i, kernel.score(q, 0, data, i * dim, dim));
    }
    return top.drain();
  }

  /** Rescores the given candidates exactly and keeps the best {@code k}. */
  public SearchResult rescore(float[] query, int[] candidates, int k) {
    float[] q = similarity.prepare(query);
    Similarity kernel = similarity.kernel();
    TopK top = new TopK(Math.max(1, Math.min(k, candidates.length)));
    int dim = vectors.dim();
    for (int id : candidates) {
      top.offer(id, kernel.score(q, 0, vectors.data(), id * dim, dim));
    }
    return top.drain();
  }

  public FloatVectors vectors() {
    return vectors;
  }

  @Override
  public long memoryBytes() {
    return 4L * vectors.data().length;
  }
}
