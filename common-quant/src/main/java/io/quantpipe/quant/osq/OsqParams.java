package io.quantpipe.quant.osq;

/**
 * How an {@link OptimizedScalarQuantizer} picks each vector's interval.
 *
 * @param bits bits per dimension: 8, 4, 2 or 1
 * @param lambda the weight of the isotropic (total squared) error in the anisotropic loss, in
 *     (0, 1]; the error parallel to the vector weighs {@code 1 − lambda}. Lucene and the OSQ paper
 *     use 0.1: errors along the vector move inner products most, so they count nine times more.
 * @param iterations at most this many coordinate-descent refinements of the interval, in [0, 100]
 *     (0 keeps the initial mean ± c·std interval)
 */
public record OsqParams(int bits, float lambda, int iterations) {
  /** Lucene's and the paper's weight of the isotropic error. */
  public static final float DEFAULT_LAMBDA = 0.1f;
  /** Lucene's refinement count; the loss rarely moves after two or three. */
  public static final int DEFAULT_ITERATIONS = 5;

  public OsqParams {
    if (bits != 8 && bits != 4 && bits != 2 && bits != 1) {
      throw new IllegalArgumentException("Optimized scalar quantization supports 8, 4, 2 or 1 bits; bits=" + bits);
    }
    if (!(lambda > 0 && lambda <= 1)) {
      throw new IllegalArgumentException("Optimized scalar quantization needs 0 < lambda <= 1; lambda=" + lambda);
    }
    if (iterations < 0 || iterations > 100) {
      throw new IllegalArgumentException(
          "Optimized scalar quantization needs 0 <= iterations <= 100; iterations=" + iterations);
    }
  }

  /** Lucene's settings at the given width. */
  public static OsqParams defaults(int bits) {
    return new OsqParams(bits, DEFAULT_LAMBDA, DEFAULT_ITERATIONS);
  }

  /** The largest code, {@code 2^bits − 1}: the interval is cut into this many steps. */
  public int maxCode() {
    return (1 << bits) - 1;
  }
}
