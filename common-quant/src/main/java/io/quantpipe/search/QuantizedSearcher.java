package io.quantpipe.search;

import io.quantpipe.quant.CodeScorer;
import io.quantpipe.quant.EncodedVectors;

/**
 * Brute-force search over quantized codes: one {@link CodeScorer} per query, one pass over the
 * flat code array in blocks of codes scored together, no decoding. Thread-safe.
 */
public final class QuantizedSearcher implements VectorSearcher {
  /** Codes scored per {@link CodeScorer#scoreAll} call: a few KB of scores, in L1. */
  private static final int BLOCK = 256;
  private final EncodedVectors encoded;
  private final long modelBytes;

  /** @param modelBytes size of the quantizer artifact, counted in {@link #memoryBytes()} */
  public QuantizedSearcher(EncodedVectors encoded, long modelBytes) {
    this.encoded = encoded;
    this.modelBytes = modelBytes;
  }

  @Override
  public SearchResult search(float[] query, int k) {
    CodeScorer scorer = encoded.quantizer().scorer(query);
    byte[] codes = encoded.codes();
    int b = encoded.quantizer().codeBytes();
    int n = encoded.count();
    TopK top = new TopK(Math.min(k, n));
    float[] scores = new float[Math.min(BLOCK, n)];
    for (int from = 0; from < n; from += BLOCK) {
      int count = Math.min(BLOCK, n - from);
      scorer.scoreAll(codes, from * b, b, count, scores);
      float threshold = top.threshold();
      for (int i = 0; i < count; i++) {
        if (scores[i] >= threshold) { // ties may still win on the lower ordinal: let TopK decide
          top.offer(from + i, scores[i]);
          threshold = top.threshold();
        }
      }
    }
    return top.drain();
  }

  public EncodedVectors encoded() {
    return encoded;
  }

  @Override
  public long memoryBytes() {
    return encoded.bytes() + modelBytes;
  }
}
