package io.quantpipe.vector;

/**
 * The one entry point to the distance kernels. It checks lengths once and delegates to the
 * {@link VectorOps} chosen at start-up ({@link ScalarVectorOps} by default; a SIMD implementation
 * may replace it without changing callers). Static and thread-safe.
 */
public final class VectorUtil {

  private static final VectorOps OPS = new ScalarVectorOps();

  private VectorUtil() {}

  /** Σ a[i]·b[i] over two whole arrays of equal length. */
  public static float dot(float[] a, float[] b) {
    checkSameLength(a.length, b.length);
    return OPS.dot(a, 0, b, 0, a.length);
  }

  public static float dot(float[] a, int aOff, float[] b, int bOff, int len) {
    return OPS.dot(a, aOff, b, bOff, len);
  }

  /** Σ (a[i] − b[i])² over two whole arrays of equal length. */
  public static float squareDistance(float[] a, float[] b) {
    checkSameLength(a.length, b.length);
    return OPS.squareDistance(a, 0, b, 0, a.length);
  }

  public static float squareDistance(float[] a, int aOff, float[] b, int bOff, int len) {
    return OPS.squareDistance(a, aOff, b, bOff, len);
  }

  /** Cosine similarity of two whole arrays; 0 when either has zero norm. */
  public static float cosine(float[] a, float[] b) {
    checkSameLength(a.length, b.length);
    double na = OPS.dot(a, 0, a, 0, a.length);
    double nb = OPS.dot(b, 0, b, 0, b.length);
    if (na == 0 || nb == 0) {
      return 0f;
    }
    return (float) (OPS.dot(a, 0, b, 0, a.length) / Math.sqrt(na * nb));
  }

  /**
   * Scales {@code v[off, off+len)} to unit L2 norm in place.
   *
   * @throws IllegalArgumentException for a zero vector, which has no direction
   */
  public static void normalize(float[] v, int off, int len) {
    double norm = Math.sqrt(OPS.dot(v, off, v, off, len));
    if (norm == 0) {
      throw new IllegalArgumentException("Cannot normalise a zero vector for cosine similarity");
    }
    float inv = (float) (1.0 / norm);
    for (int i = off; i < off + len; i++) {
      v[i] *= inv;
    }
  }

  public static float dotUnsignedBytes(float[] q, byte[] codes, int off, int len) {
    return OPS.dotUnsignedBytes(q, codes, off, len);
  }

  public static float dotPacked(float[] q, byte[] codes, int off, int len, int bits) {
    return OPS.dotPacked(q, codes, off, len, bits);
  }

  public static float lookupSum(float[] table, byte[] codes, int off, int m) {
    return OPS.lookupSum(table, codes, off, m);
  }

  public static int hamming(long[] query, byte[] codes, int off, int words) {
    return OPS.hamming(query, codes, off, words);
  }

  private static void checkSameLength(int a, int b) {
    if (a != b) {
      throw new IllegalArgumentException("Vector dimensions differ: " + a + " != " + b);
    }
  }
}
