package io.quantpipe.vector;

/**
 * The distance kernels, one implementation per instruction set. Callers go through the
 * {@link VectorUtil} facade, which checks arguments once; implementations assume valid offsets
 * and lengths and must be stateless and thread-safe.
 *
 * <p>Codes are unsigned: a {@code byte} holds a value in {@code [0, 255]}.
 */
public interface VectorOps {

  /** Σ a[i]·b[i]. */
  float dot(float[] a, int aOff, float[] b, int bOff, int len);

  /** Σ (a[i] − b[i])². */
  float squareDistance(float[] a, int aOff, float[] b, int bOff, int len);

  /** Σ q[i]·code[i] over {@code len} unsigned 8-bit codes. */
  float dotUnsignedBytes(float[] q, byte[] codes, int off, int len);

  /**
   * Σ q[i]·code[i] over {@code len} codes of {@code bits} ∈ {2, 4} bits packed little-end first
   * into bytes (dimension i sits in byte {@code i·bits/8} at bit {@code (i·bits) % 8}).
   */
  float dotPacked(float[] q, byte[] codes, int off, int len, int bits);

  /**
   * Σ table[j·256 + code[j]] over {@code m} unsigned byte codes: the asymmetric-distance scan of
   * product quantization, also used for binary codes against a per-byte lookup table.
   */
  float lookupSum(float[] table, byte[] codes, int off, int m);

  /** Hamming distance between {@code words} 64-bit words of a query and a code read from bytes. */
  int hamming(long[] query, byte[] codes, int off, int words);
}
