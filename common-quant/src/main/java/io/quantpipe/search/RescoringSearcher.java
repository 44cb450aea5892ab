package io.quantpipe.search;

/**
 * Hybrid search: the quantized stage returns a candidate list, which is rescored with the float32
 * vectors; the best {@code k} are kept. The list is {@code k × oversample} long, or a fixed
 * {@code candidates} count when that is set (for example 1,000), whichever the caller configured.
 * Thread-safe.
 */
public final class RescoringSearcher implements VectorSearcher {
  private final VectorSearcher first;
  private final ExactSearcher exact;
  private final int oversample;
  private final int candidates;

  /**
   * @param oversample candidate multiple of k, used when {@code candidates} is 0
   * @param candidates fixed candidate count, or 0 to use {@code k × oversample}
   */
  public RescoringSearcher(VectorSearcher first, ExactSearcher exact, int oversample, int candidates) {
    if (oversample < 1) {
      throw new IllegalArgumentException("Oversample must be at least 1; oversample=" + oversample);
    }
    if (candidates < 0) {
      throw new IllegalArgumentException("Candidate count must not be negative; candidates=" + candidates);
    }
    this.first = first;
    this.exact = exact;
    this.oversample = oversample;
    this.candidates = candidates;
  }

  /** How many candidates a query for {@code k} results rescoring. */
  public int candidateCount(int k) {
    return Math.max(k, candidates > 0 ? candidates : k * oversample);
  }

  @Override
  public SearchResult search(float[] query, int k) {
    SearchResult shortlist = first.search(query, candidateCount(k));
    return exact.rescore(query, shortlist.ids(), k);
  }

  /** Memory of the quantized stage only: the float vectors may stay on disk (see {@link #rescoreBytes()}). */
  @Override
  public long memoryBytes() {
    return first.memoryBytes();
  }

  /** Bytes of float32 vectors read for rescoring. */
  public long rescoreBytes() {
    return exact.memoryBytes();
  }
}
