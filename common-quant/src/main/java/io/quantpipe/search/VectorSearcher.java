package io.quantpipe.search;

/**
 * Answers top-k queries over one corpus. Implementations are immutable once built and may be
 * queried from many threads at once.
 */
public interface VectorSearcher {
  /** The {@code k} best matches of a raw query (prepared internally for cosine), best first. */
  SearchResult search(float[] query, int k);

  /** Bytes the searcher holds in memory for the corpus: codes, model, and rescoring vectors. */
  long memoryBytes();
}
