package io.quantpipe.stats;

/**
 * Sums of floats that are exactly associative and commutative, so that statistics summed over any
 * split of the data into partitions, merged in any order, give bit-identical results. This is what
 * makes k-means training produce the same codebook on 1 or 8 Spark partitions.
 *
 * <p>Each slot is a 128-bit two's-complement fixed-point number with {@value #FRACTION_BITS}
 * fraction bits, held in two longs. A float is converted exactly when {@code |x| ≥ 2^-48·2^23}
 * (finer bits are truncated, deterministically), so with {@code |x| < 2^}{@value #MAX_EXPONENT}
 * up to 2^31 values fit without overflow. Floating-point addition would instead round differently
 * for each grouping. Adding costs a few integer operations; no allocation.
 *
 * <p>We considered Apache DataSketches' KLL sketch for the quantile side of calibration; its
 * compaction draws from a process-wide unseeded {@code Random}, so two runs over the same data give
 * different answers, which our determinism contract rules out. Not thread-safe.
 */
public final class ExactSums implements java.io.Serializable {
  private static final long serialVersionUID = 1L;
  /** Bits after the binary point: a resolution of 2^-48 ≈ 3.6e-15. */
  public static final int FRACTION_BITS = 48;
  /** Magnitudes must stay below 2^47 (1.4e14), far beyond any embedding or squared distance. */
  public static final int MAX_EXPONENT = 47;
  private static final double LOW_WORD = 0x1p64;
  private static final double SCALE = 0x1p-48;

  private final long[] hi;
  private final long[] lo;

  public ExactSums(int slots) {
    this.hi = new long[slots];
    this.lo = new long[slots];
  }

  public int slots() {
    return hi.length;
  }

  /** Adds {@code x} to slot {@code slot} exactly. */
  public void add(int slot, float x) {
    int bits = Float.floatToRawIntBits(x);
    int biased = (bits >>> 23) & 0xFF;
    if (biased == 0) {
      return; // zero or subnormal (< 1.2e-38): below the resolution, contributes nothing
    }
    if (biased - 127 >= MAX_EXPONENT) {
      throw new IllegalArgumentException("Cannot sum value " + x + ": magnitude must be below 2^" + MAX_EXPONENT);
    }
    long mantissa = (bits & 0x7FFFFF) | 0x800000; // 24 significant bits
    int shift = biased - 127 - 23 + FRACTION_BITS; // x = mantissa · 2^(shift − FRACTION_BITS)
    long vHi;
    long vLo;
    if (shift >= 64) {
      vHi = mantissa << (shift - 64);
      vLo = 0;
    } else if (shift > 40) {
      vHi = mantissa >>> (64 - shift);
      vLo = mantissa << shift;
    } else if (shift >= 0) {
      vHi = 0;
      vLo = mantissa << shift;
    } else {
      vHi = 0;
      vLo = shift > -24 ? mantissa >>> -shift : 0;
    }
    if (bits < 0) { // negate the 128-bit value
      vLo = ~vLo + 1;
      vHi = ~vHi + (vLo == 0 ? 1 : 0);
    }
    addWords(slot, vHi, vLo);
  }

  /** Adds every slot of {@code other} into this one; {@code other} is unchanged. */
  public void merge(ExactSums other) {
    if (other.hi.length != hi.length) {
      throw new IllegalArgumentException("Cannot merge sums of " + other.hi.length + " slots into " + hi.length);
    }
    for (int i = 0; i < hi.length; i++) {
      addWords(i, other.hi[i], other.lo[i]);
    }
  }

  /** The sum in slot {@code slot}, rounded once to the nearest double. */
  public double get(int slot) {
    long h = hi[slot];
    long l = lo[slot];
    // value = h·2^64 + unsigned(l), scaled by 2^-48; each conversion is deterministic
    double low = (l >>> 1) * 2.0 + (l & 1);
    return (h * LOW_WORD + low) * SCALE;
  }

  /** The raw words, for serialisation: {@code [hi0, lo0, hi1, lo1, ...]}. */
  public long[] toWords() {
    long[] words = new long[2 * hi.length];
    for (int i = 0; i < hi.length; i++) {
      words[2 * i] = hi[i];
      words[2 * i + 1] = lo[i];
    }
    return words;
  }

  /** Restores sums written by {@link #toWords()}. */
  public static ExactSums fromWords(long[] words) {
    ExactSums s = new ExactSums(words.length / 2);
    for (int i = 0; i < s.hi.length; i++) {
      s.hi[i] = words[2 * i];
      s.lo[i] = words[2 * i + 1];
    }
    return s;
  }

  private void addWords(int slot, long vHi, long vLo) {
    long sum = lo[slot] + vLo;
    long carry = Long.compareUnsigned(sum, vLo) < 0 ? 1 : 0;
    lo[slot] = sum;
    hi[slot] += vHi + carry;
  }
}
