package io.quantpipe.search;

import io.quantpipe.quant.CodeScorer;
import io.quantpipe.quant.EncodedVectors;

/**
 * Brute-force search over quantized codes: one {@link CodeScorer} per query, one pass over the
 * flat code array, no decoding. Thread-safe.
 */
public final class QuantizedSearcher implements VectorSearcher {
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
    TopK top = new TopK(Math.min(k, encoded.count()));
    for (int i = 0, off = 0; i < encoded.count(); i++, off += b) {
      top.offer(i, scorer.score(codes, off));
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
