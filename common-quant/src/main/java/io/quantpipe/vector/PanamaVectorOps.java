package io.quantpipe.vector;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The kernels on Java's Vector API ({@code jdk.incubator.vector}) with 256-bit vectors: four 8-lane
 * float accumulators per sum, which is the {@link VectorOps lane order} {@link ScalarVectorOps}
 * follows in plain Java, so results are bit-identical to it (multiply, then add: no FMA). The width
 * is fixed at 256 bits rather than the machine's preferred one so that an AVX-512 machine adds in
 * the same order as an AVX2 one; {@link VectorUtil} uses this class only where 256-bit vectors are
 * native.
 *
 * <p>Loaded by reflection only when the module is present (run with
 * {@code --add-modules jdk.incubator.vector}). Stateless and thread-safe.
 */
final class PanamaVectorOps implements VectorOps {
  private static final VectorSpecies<Float> F = FloatVector.SPECIES_256;
  private static final VectorSpecies<Integer> I = IntVector.SPECIES_256;
  private static final VectorSpecies<Byte> B64 = ByteVector.SPECIES_64;
  private static final VectorSpecies<Byte> B128 = ByteVector.SPECIES_128;
  private static final VectorSpecies<Short> S = ShortVector.SPECIES_256;
  /** Lane pairs (0,1), (2,3), …: the first level of the horizontal fold. */
  private static final VectorShuffle<Float> PAIRS = VectorShuffle.fromValues(F, 1, 0, 3, 2, 5, 4, 7, 6);
  /** Then (0,2) and (4,6). */
  private static final VectorShuffle<Float> QUADS = VectorShuffle.fromValues(F, 2, 3, 0, 1, 6, 7, 4, 5);

  /** Whether 256-bit float vectors are native here, so this class is faster than plain Java. */
  static boolean supported() {
    return FloatVector.SPECIES_PREFERRED.vectorBitSize() >= 256;
  }

  @Override
  public String name() {
    return "panama-256";
  }

  @Override
  public float dot(float[] a, int aOff, float[] b, int bOff, int len) {
    FloatVector s0 = FloatVector.zero(F), s1 = s0, s2 = s0, s3 = s0;
    int i = 0;
    for (int bound = len & ~31; i < bound; i += 32) {
      s0 = s0.add(FloatVector.fromArray(F, a, aOff + i).mul(FloatVector.fromArray(F, b, bOff + i)));
      s1 = s1.add(FloatVector.fromArray(F, a, aOff + i + 8).mul(FloatVector.fromArray(F, b, bOff + i + 8)));
      s2 = s2.add(FloatVector.fromArray(F, a, aOff + i + 16).mul(FloatVector.fromArray(F, b, bOff + i + 16)));
      s3 = s3.add(FloatVector.fromArray(F, a, aOff + i + 24).mul(FloatVector.fromArray(F, b, bOff + i + 24)));
    }
    for (int bound = len & ~7; i < bound; i += 8) {
      s0 = s0.add(FloatVector.fromArray(F, a, aOff + i).mul(FloatVector.fromArray(F, b, bOff + i)));
    }
    float r = fold(s0, s1, s2, s3);
    for (; i < len; i++) {
      r += a[aOff + i] * b[bOff + i];
    }
    return r;
  }

  @Override
  public float squareDistance(float[] a, int aOff, float[] b, int bOff, int len) {
    FloatVector s0 = FloatVector.zero(F), s1 = s0, s2 = s0, s3 = s0;
    int i = 0;
    for (int bound = len & ~31; i < bound; i += 32) {
      FloatVector d0 = FloatVector.fromArray(F, a, aOff + i).sub(FloatVector.fromArray(F, b, bOff + i));
      FloatVector d1 = FloatVector.fromArray(F, a, aOff + i + 8).sub(FloatVector.fromArray(F, b, bOff + i + 8));
      FloatVector d2 = FloatVector.fromArray(F, a, aOff + i + 16).sub(FloatVector.fromArray(F, b, bOff + i + 16));
      FloatVector d3 = FloatVector.fromArray(F, a, aOff + i + 24).sub(FloatVector.fromArray(F, b, bOff + i + 24));
      s0 = s0.add(d0.mul(d0));
      s1 = s1.add(d1.mul(d1));
      s2 = s2.add(d2.mul(d2));
      s3 = s3.add(d3.mul(d3));
    }
    for (int bound = len & ~7; i < bound; i += 8) {
      FloatVector d = FloatVector.fromArray(F, a, aOff + i).sub(FloatVector.fromArray(F, b, bOff + i));
      s0 = s0.add(d.mul(d));
    }
    float r = fold(s0, s1, s2, s3);
    for (; i < len; i++) {
      float d = a[aOff + i] - b[bOff + i];
      r += d * d;
    }
    return r;
  }

  @Override
  public float dotUnsignedBytes(float[] q, byte[] codes, int off, int len) {
    FloatVector s0 = FloatVector.zero(F), s1 = s0, s2 = s0, s3 = s0;
    int i = 0;
    for (int bound = len & ~31; i < bound; i += 32) {
      s0 = s0.add(FloatVector.fromArray(F, q, i).mul(unsignedBytes(codes, off + i)));
      s1 = s1.add(FloatVector.fromArray(F, q, i + 8).mul(unsignedBytes(codes, off + i + 8)));
      s2 = s2.add(FloatVector.fromArray(F, q, i + 16).mul(unsignedBytes(codes, off + i + 16)));
      s3 = s3.add(FloatVector.fromArray(F, q, i + 24).mul(unsignedBytes(codes, off + i + 24)));
    }
    for (int bound = len & ~7; i < bound; i += 8) {
      s0 = s0.add(FloatVector.fromArray(F, q, i).mul(unsignedBytes(codes, off + i)));
    }
    float r = fold(s0, s1, s2, s3);
    for (; i < len; i++) {
      r += q[i] * (codes[off + i] & 0xFF);
    }
    return r;
  }

  /**
   * Sixteen bytes per step widened to 16-bit lanes (zero-extended), multiplied in 16-bit lanes as
   * unsigned (the product of two values below 256 fits 16 bits unsigned), then widened to 32-bit
   * sums; integers, so the order of the additions does not matter.
   */
  @Override
  public int dotBytes(byte[] a, int aOff, byte[] b, int bOff, int len) {
    IntVector s0 = IntVector.zero(I), s1 = s0;
    int i = 0;
    for (int bound = len & ~15; i < bound; i += 16) {
      ShortVector x = (ShortVector) ByteVector.fromArray(B128, a, aOff + i).convertShape(VectorOperators.B2S, S, 0);
      ShortVector y = (ShortVector) ByteVector.fromArray(B128, b, bOff + i).convertShape(VectorOperators.B2S, S, 0);
      ShortVector p = x.and((short) 0xFF).mul(y.and((short) 0xFF)); // mod 2^16: the unsigned product
      s0 = s0.add(((IntVector) p.convertShape(VectorOperators.S2I, I, 0)).and(0xFFFF));
      s1 = s1.add(((IntVector) p.convertShape(VectorOperators.S2I, I, 1)).and(0xFFFF));
    }
    int r = s0.add(s1).reduceLanes(VectorOperators.ADD);
    for (; i < len; i++) {
      r += (a[aOff + i] & 0xFF) * (b[bOff + i] & 0xFF);
    }
    return r;
  }

  /**
   * Sixteen 7-bit codes per product, sign-extended to 16-bit lanes (no mask: the codes are
   * non-negative) and multiplied there (≤ 127² = 16129); four products add up in the same lanes
   * (≤ 64516, below 2^16 read unsigned), and only then does the sum go to 32-bit lanes, read as
   * int pairs (low and high halves, no cross-lane widening). Integers, so exact in any order.
   */
  @Override
  public int dotSevenBit(byte[] a, int aOff, byte[] b, int bOff, int len) {
    IntVector acc = IntVector.zero(I);
    int i = 0;
    for (int bound = len & ~63; i < bound; i += 64) {
      ShortVector p = product(a, aOff + i, b, bOff + i).add(product(a, aOff + i + 16, b, bOff + i + 16))
          .add(product(a, aOff + i + 32, b, bOff + i + 32)).add(product(a, aOff + i + 48, b, bOff + i + 48));
      acc = acc.add(halves(p));
    }
    for (int bound = len & ~15; i < bound; i += 16) {
      acc = acc.add(halves(product(a, aOff + i, b, bOff + i)));
    }
    int r = acc.reduceLanes(VectorOperators.ADD);
    for (; i < len; i++) {
      r += a[aOff + i] * b[bOff + i];
    }
    return r;
  }

  /**
   * Two codes per pass, each query chunk loaded and widened once for both, so the two codes' cache
   * misses overlap. Measured per code (d = 384, thread CPU time): 15 ns in cache against 17 for
   * {@link #dotSevenBit}, 100 against 145 ns for codes drawn at random from 38 MB. Four codes per
   * pass measured twice as slow in cache (C2 on JDK 17 stops inlining the larger loop, and a vector
   * op that is not inlined allocates), and no faster from memory than two.
   */
  @Override
  public void dotSevenBits(byte[] q, int qOff, byte[] codes, int len, int[] ords, int count, int[] out) {
    int j = 0;
    for (; j + 1 < count; j += 2) {
      dotSevenBitPair(q, qOff, codes, ords[j] * len, ords[j + 1] * len, len, out, j);
    }
    if (j < count) {
      out[j] = dotSevenBit(q, qOff, codes, ords[j] * len, len);
    }
  }

  private static void dotSevenBitPair(byte[] q, int qOff, byte[] codes, int off0, int off1, int len, int[] out,
                                      int outOff) {
    IntVector acc0 = IntVector.zero(I), acc1 = acc0;
    int i = 0;
    for (int bound = len & ~63; i < bound; i += 64) {
      ShortVector x = widen(q, qOff + i);
      ShortVector s0 = x.mul(widen(codes, off0 + i));
      ShortVector s1 = x.mul(widen(codes, off1 + i));
      for (int k = 16; k < 64; k += 16) { // four products per lane: ≤ 64516
        x = widen(q, qOff + i + k);
        s0 = s0.add(x.mul(widen(codes, off0 + i + k)));
        s1 = s1.add(x.mul(widen(codes, off1 + i + k)));
      }
      acc0 = acc0.add(halves(s0));
      acc1 = acc1.add(halves(s1));
    }
    for (int bound = len & ~15; i < bound; i += 16) {
      ShortVector x = widen(q, qOff + i);
      acc0 = acc0.add(halves(x.mul(widen(codes, off0 + i))));
      acc1 = acc1.add(halves(x.mul(widen(codes, off1 + i))));
    }
    int r0 = acc0.reduceLanes(VectorOperators.ADD);
    int r1 = acc1.reduceLanes(VectorOperators.ADD);
    for (; i < len; i++) {
      r0 += q[qOff + i] * codes[off0 + i];
      r1 += q[qOff + i] * codes[off1 + i];
    }
    out[outOff] = r0;
    out[outOff + 1] = r1;
  }

  /**
   * {@link #dotBytes} of a neighbour list, two codes per pass as {@link #dotSevenBits} does: each
   * 16-bit lane holds one unsigned product (≤ 255² < 2^16, so no two add up there), read as int
   * pairs by {@link #halves} rather than widened across lanes.
   */
  @Override
  public void dotBytes(byte[] q, int qOff, byte[] codes, int len, int[] ords, int count, int[] out) {
    int j = 0;
    for (; j + 1 < count; j += 2) {
      int off0 = ords[j] * len;
      int off1 = ords[j + 1] * len;
      IntVector acc0 = IntVector.zero(I), acc1 = acc0;
      int i = 0;
      for (int bound = len & ~15; i < bound; i += 16) {
        ShortVector x = widen(q, qOff + i).and((short) 0xFF);
        acc0 = acc0.add(halves(x.mul(widen(codes, off0 + i).and((short) 0xFF))));
        acc1 = acc1.add(halves(x.mul(widen(codes, off1 + i).and((short) 0xFF))));
      }
      int r0 = acc0.reduceLanes(VectorOperators.ADD);
      int r1 = acc1.reduceLanes(VectorOperators.ADD);
      for (; i < len; i++) {
        int qi = q[qOff + i] & 0xFF;
        r0 += qi * (codes[off0 + i] & 0xFF);
        r1 += qi * (codes[off1 + i] & 0xFF);
      }
      out[j] = r0;
      out[j + 1] = r1;
    }
    if (j < count) {
      out[j] = dotBytes(q, qOff, codes, ords[j] * len, len);
    }
  }

  /** Sixteen bytes sign-extended to 16-bit lanes. */
  private static ShortVector widen(byte[] a, int off) {
    return (ShortVector) ByteVector.fromArray(B128, a, off).convertShape(VectorOperators.B2S, S, 0);
  }

  /** The 16 lane products of sixteen 7-bit codes of {@code a} and {@code b}. */
  private static ShortVector product(byte[] a, int aOff, byte[] b, int bOff) {
    return widen(a, aOff).mul(widen(b, bOff));
  }

  /**
   * Sixteen unsigned 16-bit sums as eight int lanes, each the sum of its two halves: the low and
   * high shorts of an int lane are adjacent lanes, so this adds them without widening across lanes.
   */
  private static IntVector halves(ShortVector p) {
    IntVector w = p.reinterpretAsInts();
    return w.and(0xFFFF).add(w.lanewise(VectorOperators.LSHR, 16));
  }

  /** Eight unsigned bytes as floats (sign-extended to int, masked, converted: all exact). */
  private static FloatVector unsignedBytes(byte[] codes, int off) {
    IntVector ints = (IntVector) ByteVector.fromArray(B64, codes, off).convertShape(VectorOperators.B2I, I, 0);
    return (FloatVector) ints.and(0xFF).convert(VectorOperators.I2F, 0);
  }

  @Override
  public float dotNibbles(float[] qSplit, byte[] codes, int off, int len) {
    FloatVector s0 = FloatVector.zero(F), s1 = s0, s2 = s0, s3 = s0;
    int n = len & ~15;
    int i = 0;
    for (int bound = n & ~31; i < bound; i += 32) { // two blocks of 8 bytes
      ByteVector bytes = ByteVector.fromArray(B128, codes, off + (i >> 1));
      IntVector first = (IntVector) bytes.convertShape(VectorOperators.B2I, I, 0);
      IntVector second = (IntVector) bytes.convertShape(VectorOperators.B2I, I, 1);
      s0 = s0.add(FloatVector.fromArray(F, qSplit, i).mul(low(first)));
      s1 = s1.add(FloatVector.fromArray(F, qSplit, i + 8).mul(high(first)));
      s2 = s2.add(FloatVector.fromArray(F, qSplit, i + 16).mul(low(second)));
      s3 = s3.add(FloatVector.fromArray(F, qSplit, i + 24).mul(high(second)));
    }
    if (i < n) { // one block left: both halves into the first accumulator, low first
      IntVector ints = (IntVector) ByteVector.fromArray(B64, codes, off + (i >> 1)).convertShape(VectorOperators.B2I, I, 0);
      s0 = s0.add(FloatVector.fromArray(F, qSplit, i).mul(low(ints)));
      s0 = s0.add(FloatVector.fromArray(F, qSplit, i + 8).mul(high(ints)));
      i += 16;
    }
    float r = fold(s0, s1, s2, s3);
    for (; i < len; i++) {
      r += qSplit[i] * ((codes[off + (i >> 1)] >> ((i & 1) << 2)) & 0x0F);
    }
    return r;
  }

  private static FloatVector low(IntVector bytes) {
    return (FloatVector) bytes.and(0x0F).convert(VectorOperators.I2F, 0);
  }

  private static FloatVector high(IntVector bytes) {
    return (FloatVector) bytes.lanewise(VectorOperators.LSHR, 4).and(0x0F).convert(VectorOperators.I2F, 0);
  }

  /** Step 3 of the lane order, with shuffles instead of eight lane extractions. */
  private static float fold(FloatVector s0, FloatVector s1, FloatVector s2, FloatVector s3) {
    FloatVector v = s0.add(s1).add(s2.add(s3));
    FloatVector pairs = v.add(v.rearrange(PAIRS));
    FloatVector quads = pairs.add(pairs.rearrange(QUADS));
    return quads.lane(0) + quads.lane(4);
  }

  @Override
  public float dotPacked(float[] q, byte[] codes, int off, int len, int bits) {
    return ScalarVectorOps.INSTANCE.dotPacked(q, codes, off, len, bits);
  }

  @Override
  public float lookupSum(float[] table, byte[] codes, int off, int m) {
    return LookupScan.sum(table, codes, off, m);
  }

  @Override
  public void lookupSums(float[] table, byte[] codes, int off, int m, int count, float[] out) {
    LookupScan.sums(table, codes, off, m, count, out);
  }

  @Override
  public void fastScan(byte[] lut, byte[] codes, int off, int m, int blocks, int[] out) {
    PanamaFastScan.scan(lut, codes, off, m, blocks, out);
  }

  @Override
  public int hamming(long[] query, byte[] codes, int off, int words) {
    return ScalarVectorOps.INSTANCE.hamming(query, codes, off, words);
  }

  @Override
  public void hammings(long[] query, byte[] codes, int off, int words, int count, int[] out) {
    LookupScan.hammings(query, codes, off, words, count, out);
  }

  @Override
  public void nearestCentroids(float[] points, int base, int stride, int count, float[] columns, float[] norms,
                               int dim, int k, int[] assignment, float[] score) {
    PanamaColumnScan.nearestCentroids(points, base, stride, count, columns, norms, dim, k, assignment, score);
  }

  @Override
  public void columnScores(float[] points, int base, int stride, int count, float[] columns, int dim, int k,
                           float[] out) {
    PanamaColumnScan.columnScores(points, base, stride, count, columns, dim, k, out);
  }


  /**
   * Eight points per step, one per lane, each adding its terms in lane order: for {@code len < 32}
   * term {@code i < len − len mod 8} goes to partial {@code P[i mod 8]}, the fold adds the 24
   * partials that stay zero, the pairwise tree follows, then the tail. Longer sub-vectors (PQ with
   * fewer than d/32 subspaces) take the plain-Java path, which is the same order by definition.
   */
  @Override
  public void transposedScores(float[] query, int qOff, int len, float[] columns, int k, boolean l2, float[] out,
                               int outOff) {
    if (len >= 32) {
      ScalarVectorOps.INSTANCE.transposedScores(query, qOff, len, columns, k, l2, out, outOff);
      return;
    }
    int blocks = len >> 3;
    FloatVector zero = FloatVector.zero(F);
    FloatVector zeros = zero.add(zero);   // P[16+l] + P[24+l]: partials no term reaches when len < 32
    for (int c = 0; c < k; c += 8) {
      // p_l = P[l]: terms l, 8+l, 16+l below 8·blocks, in that order (all locals, so no vector is boxed)
      FloatVector p0 = zero, p1 = zero, p2 = zero, p3 = zero, p4 = zero, p5 = zero, p6 = zero, p7 = zero;
      for (int t = 0; t < 8 * blocks; t += 8) {
        p0 = p0.add(term(query, qOff, columns, k, c, t, l2));
        p1 = p1.add(term(query, qOff, columns, k, c, t + 1, l2));
        p2 = p2.add(term(query, qOff, columns, k, c, t + 2, l2));
        p3 = p3.add(term(query, qOff, columns, k, c, t + 3, l2));
        p4 = p4.add(term(query, qOff, columns, k, c, t + 4, l2));
        p5 = p5.add(term(query, qOff, columns, k, c, t + 5, l2));
        p6 = p6.add(term(query, qOff, columns, k, c, t + 6, l2));
        p7 = p7.add(term(query, qOff, columns, k, c, t + 7, l2));
      }
      FloatVector r = p0.add(zero).add(zeros).add(p1.add(zero).add(zeros))
          .add(p2.add(zero).add(zeros).add(p3.add(zero).add(zeros)))
          .add(p4.add(zero).add(zeros).add(p5.add(zero).add(zeros))
              .add(p6.add(zero).add(zeros).add(p7.add(zero).add(zeros))));
      for (int t = 8 * blocks; t < len; t++) {
        r = r.add(term(query, qOff, columns, k, c, t, l2));
      }
      r.intoArray(out, outOff + c);
    }
  }

  /** Term {@code t} for points {@code c … c+7}: {@code (q_t − x_t)²} or {@code q_t·x_t}, rounded to float. */
  private static FloatVector term(float[] query, int qOff, float[] columns, int k, int c, int t, boolean l2) {
    FloatVector x = FloatVector.fromArray(F, columns, t * k + c);
    float q = query[qOff + t];
    if (l2) {
      FloatVector d = x.neg().add(q);
      return d.mul(d);
    }
    return x.mul(q);
  }
}
