package io.quantpipe.quant;

import java.util.Arrays;

/**
 * A corpus encoded by one {@link Quantizer}: {@code count} codes of {@code codeBytes} each in one
 * flat array, ordinal {@code i} at offset {@code i · codeBytes}. Immutable once built; thread-safe.
 */
public final class EncodedVectors {
  private final Quantizer quantizer;
  private final byte[] codes;
  private final int count;

  public EncodedVectors(Quantizer quantizer, byte[] codes, int count) {
    if ((long) count * quantizer.codeBytes() != codes.length) {
      throw new IllegalArgumentException(String.format(
          "Cannot wrap codes: %d bytes is not %d codes of %d bytes", codes.length, count, quantizer.codeBytes()));
    }
    this.quantizer = quantizer;
    this.codes = codes;
    this.count = count;
  }

  public Quantizer quantizer() {
    return quantizer;
  }

  public int count() {
    return count;
  }

  /** The backing array of all codes; do not modify. */
  public byte[] codes() {
    return codes;
  }

  /** A copy of the code of ordinal {@code i}. */
  public byte[] get(int i) {
    int b = quantizer.codeBytes();
    return Arrays.copyOfRange(codes, i * b, (i + 1) * b);
  }

  /** Total bytes of codes held. */
  public long bytes() {
    return codes.length;
  }

  /** A scorer over these codes for one query: {@code score(ord)}. */
  public QueryScorer scorer(float[] query) {
    CodeScorer s = quantizer.scorer(query);
    int b = quantizer.codeBytes();
    return ord -> s.score(codes, ord * b);
  }
}
