package io.quantpipe.quant;

/**
 * Scores stored codes against one query, with everything that depends only on the query (scaled
 * query, lookup tables, constants) computed once when the scorer is made. Higher is better; for L2
 * the score is the negated estimated squared distance.
 *
 * <p>A scorer belongs to one query and one thread: make one per query (it is cheap).
 */
@FunctionalInterface
public interface CodeScorer {
  /** The score of the code that starts at {@code codes[offset]}. */
  float score(byte[] codes, int offset);

  /**
   * Scores {@code count} consecutive codes of {@code codeBytes} each, from {@code offset}, into
   * {@code out[0, count)}: the same values as {@link #score}, but quantizers whose kernels score
   * several codes per step override it, and a scan pays one call per block instead of per code.
   */
  default void scoreAll(byte[] codes, int offset, int codeBytes, int count, float[] out) {
    for (int i = 0; i < count; i++) {
      out[i] = score(codes, offset + i * codeBytes);
    }
  }
}
