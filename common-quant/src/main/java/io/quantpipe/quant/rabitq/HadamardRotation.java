package io.quantpipe.quant.rabitq;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A structured random orthogonal transform of R^d for any d, applied in O(d log d) and stored as
 * sign flips (2·rounds·d bits) instead of the d² floats of a dense rotation: RaBitQ-Library's
 * "FHT + Kac" rotator. With {@code n = 2^k} the largest power of two ≤ d, each round is
 * <ol>
 *   <li>flip the signs of a random subset of all d coordinates;
 *   <li>normalised fast Walsh–Hadamard transform (FWHT) of coordinates {@code [0, n)};
 *   <li>another random sign flip of all d coordinates;
 *   <li>normalised FWHT of coordinates {@code [d − n, d)} (the two windows overlap when n &lt; d, so
 *       every coordinate is mixed);
 *   <li>a Kac/Givens step: coordinate {@code i} and {@code i + ⌊d/2⌋} become
 *       {@code ((a+b)/√2, (a−b)/√2)} for {@code i < ⌊d/2⌋} (for odd d the last one is left).
 * </ol>
 * Every step is orthogonal, so the product is. Each step is also symmetric and its own inverse,
 * so the transpose runs the same steps in reverse order. Nothing is padded: a code of d
 * dimensions stays d dimensions.
 *
 * <p>Arithmetic is plain Java float in a fixed order (Java 17 float maths is strict), so the same
 * flips give bit-identical output on every JVM, in Spark, Flink and plain Java alike. The flips are
 * stored in the artifact (not regenerated from the seed on load), so a change in the generator can
 * never silently change existing codes. Immutable and thread-safe.
 */
public final class HadamardRotation {
  /** RaBitQ-Library's round count; 4 rounds spread a basis vector evenly (see HadamardRotationTest). */
  public static final int DEFAULT_ROUNDS = 4;
  /** 1/√2 rounded once, so every JVM uses the same constant. */
  private static final float INV_SQRT2 = (float) (1.0 / Math.sqrt(2.0));

  private final int dim;
  private final int rounds;
  private final long seed;
  private final long[] flipBits;
  /** ±1 per coordinate for each of the 2·rounds sign-flip steps, expanded once from {@link #flipBits}. */
  private final float[][] signs;
  private final int block;
  private final float blockScale;

  /**
   * @param flipBits 2·rounds·dim bits, step {@code s} (round {@code s/2}, first or second flip)
   *     coordinate {@code i} at bit {@code s·dim + i}; a set bit negates the coordinate
   */
  public HadamardRotation(int dim, int rounds, long seed, long[] flipBits) {
    if (dim < 1) {
      throw new IllegalArgumentException("Cannot rotate: dimension must be positive; dim=" + dim);
    }
    if (rounds < 1 || rounds > 64) {
      throw new IllegalArgumentException("Cannot rotate: rounds must be in [1, 64]; rounds=" + rounds);
    }
    if (flipBits.length != words(dim, rounds)) {
      throw new IllegalArgumentException(String.format(
          "Cannot rotate: %d flip words given, %d rounds of dimension %d need %d", flipBits.length, rounds, dim,
          words(dim, rounds)));
    }
    this.dim = dim;
    this.rounds = rounds;
    this.seed = seed;
    this.flipBits = flipBits.clone();
    this.block = Integer.highestOneBit(dim);
    this.blockScale = (float) (1.0 / Math.sqrt(block));
    this.signs = new float[2 * rounds][dim];
    for (int s = 0; s < 2 * rounds; s++) {
      for (int i = 0; i < dim; i++) {
        long bit = (long) s * dim + i;
        signs[s][i] = ((flipBits[(int) (bit >>> 6)] >>> (bit & 63)) & 1) != 0 ? -1f : 1f;
      }
    }
  }

  /** Draws the flips of {@code rounds} rounds for dimension {@code dim} from {@code seed}. */
  public static HadamardRotation generate(int dim, int rounds, long seed) {
    if (dim < 1 || rounds < 1 || rounds > 64) {
      return new HadamardRotation(dim, rounds, seed, new long[0]); // the constructor names the bad value
    }
    SplittableRandom random = new SplittableRandom(seed);
    long[] bits = new long[words(dim, rounds)];
    for (int w = 0; w < bits.length; w++) {
      bits[w] = random.nextLong();
    }
    long total = 2L * rounds * dim;
    if (total % 64 != 0) { // unused high bits stay zero, so the stored words are canonical
      bits[bits.length - 1] &= (1L << (total % 64)) - 1;
    }
    return new HadamardRotation(dim, rounds, seed, bits);
  }

  /** 64-bit words holding 2·rounds·dim flip bits. */
  public static int words(int dim, int rounds) {
    return (int) ((2L * rounds * dim + 63) / 64);
  }

  public int dimension() {
    return dim;
  }

  public int rounds() {
    return rounds;
  }

  /** The seed the flips were drawn from (informational: the flips themselves are stored). */
  public long seed() {
    return seed;
  }

  /** A copy of the flip bits, as the constructor takes them. */
  public long[] flipBits() {
    return flipBits.clone();
  }

  /** {@code out = P·in}; {@code in} is not modified, and {@code out} may be {@code in}. */
  public void apply(float[] in, float[] out) {
    check(in, out);
    if (out != in) {
      System.arraycopy(in, 0, out, 0, dim);
    }
    for (int r = 0; r < rounds; r++) {
      flip(out, signs[2 * r]);
      fwht(out, 0);
      flip(out, signs[2 * r + 1]);
      fwht(out, dim - block);
      kac(out);
    }
  }

  /** {@code out = Pᵀ·in = P⁻¹·in}: the steps of {@link #apply} in reverse order. */
  public void applyTranspose(float[] in, float[] out) {
    check(in, out);
    if (out != in) {
      System.arraycopy(in, 0, out, 0, dim);
    }
    for (int r = rounds - 1; r >= 0; r--) {
      kac(out);
      fwht(out, dim - block);
      flip(out, signs[2 * r + 1]);
      fwht(out, 0);
      flip(out, signs[2 * r]);
    }
  }

  private void check(float[] in, float[] out) {
    if (in.length != dim || out.length != dim) {
      throw new IllegalArgumentException(String.format(
          "Cannot rotate: vectors of %d and %d floats, the rotation's dimension is %d", in.length, out.length, dim));
    }
  }

  private void flip(float[] x, float[] sign) {
    for (int i = 0; i < dim; i++) {
      x[i] *= sign[i];
    }
  }

  /**
   * In-place normalised Walsh–Hadamard transform of {@code x[off, off + block)}. Levels are taken
   * two at a time (a radix-4 pass does the butterflies of levels h and 2h on four values held in
   * registers), which halves the passes over memory; the additions are the radix-2 ones in the same
   * order, so the result is bit-identical to one level at a time. The scaling is a last pass.
   */
  private void fwht(float[] x, int off) {
    int h = 1;
    for (; 4 * h <= block; h <<= 2) {
      int h2 = 2 * h;
      int h3 = 3 * h;
      for (int i = off; i < off + block; i += 4 * h) {
        for (int j = i; j < i + h; j++) {
          float a = x[j];
          float b = x[j + h];
          float c = x[j + h2];
          float d = x[j + h3];
          float ab = a + b;
          float amb = a - b;
          float cd = c + d;
          float cmd = c - d;
          x[j] = ab + cd;
          x[j + h] = amb + cmd;
          x[j + h2] = ab - cd;
          x[j + h3] = amb - cmd;
        }
      }
    }
    if (h < block) { // one radix-2 level left when log2(block) is odd
      for (int j = off; j < off + h; j++) {
        float a = x[j];
        float b = x[j + h];
        x[j] = a + b;
        x[j + h] = a - b;
      }
    }
    for (int i = off; i < off + block; i++) {
      x[i] *= blockScale;
    }
  }

  /** The Givens/Kac butterfly between the two halves. */
  private void kac(float[] x) {
    int half = dim >> 1;
    for (int i = 0; i < half; i++) {
      float a = x[i];
      float b = x[i + half];
      x[i] = (a + b) * INV_SQRT2;
      x[i + half] = (a - b) * INV_SQRT2;
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HadamardRotation && ((HadamardRotation) o).dim == dim && ((HadamardRotation) o).rounds == rounds
        && Arrays.equals(((HadamardRotation) o).flipBits, flipBits);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(flipBits) + dim;
  }
}
