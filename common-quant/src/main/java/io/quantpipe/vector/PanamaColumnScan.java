package io.quantpipe.vector;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API kernels that score a block of points against points held as columns
 * ({@code columns[j·k + c]} is coordinate {@code j} of column point {@code c}): the k-means and PQ
 * assignment step ({@link VectorOps#nearestCentroids}) and the inner products of exact k-NN
 * ({@link VectorOps#columnScores}). Each lane is one column point and adds its terms in {@code j}
 * order, as the plain loop does, so the results are bit-identical to {@link ScalarVectorOps}
 * whatever the tiling; the tiling only decides how often a loaded column or point value is reused.
 * Stateless and thread-safe.
 */
final class PanamaColumnScan {
  private static final VectorSpecies<Float> F = FloatVector.SPECIES_256;
  private static final VectorSpecies<Integer> I = IntVector.SPECIES_256;
  private static final IntVector IOTA = IntVector.zero(I).addIndex(1);

  private PanamaColumnScan() {}

  /**
   * Four points at a time against 16 centroids per step (eight independent sums, so the adds'
   * latency is hidden and each broadcast point value serves two centroid vectors), then 8, then
   * the last {@code count mod 4} points one by one, 32 centroids per step. Eight sums per step also
   * keep the loop fast whatever shapes the JIT profiled it on: with four sums, the kernel compiled
   * after {@link KernelWarmup}'s small calls ran PQ encoding at 36 µs per 1536-d vector instead of
   * 27 (thread CPU time); with eight, 25 either way.
   */
  static void nearestCentroids(float[] points, int base, int stride, int count, float[] columns, float[] norms,
                               int dim, int k, int[] assignment, float[] score) {
    int i = 0;
    for (; i + 3 < count; i += 4) {
      int p0 = base + i * stride, p1 = p0 + stride, p2 = p1 + stride, p3 = p2 + stride;
      FloatVector b0 = FloatVector.broadcast(F, Float.POSITIVE_INFINITY), b1 = b0, b2 = b0, b3 = b0;
      IntVector i0 = IntVector.zero(I), i1 = i0, i2 = i0, i3 = i0;
      int c = 0;
      for (; c + 15 < k; c += 16) {
        FloatVector s0 = FloatVector.fromArray(F, norms, c), s1 = s0, s2 = s0, s3 = s0;
        FloatVector t0 = FloatVector.fromArray(F, norms, c + 8), t1 = t0, t2 = t0, t3 = t0;
        for (int j = 0, at = c; j < dim; j++, at += k) {
          FloatVector col = FloatVector.fromArray(F, columns, at);
          FloatVector next = FloatVector.fromArray(F, columns, at + 8);
          float x0 = -2f * points[p0 + j], x1 = -2f * points[p1 + j], x2 = -2f * points[p2 + j], x3 = -2f * points[p3 + j];
          s0 = s0.add(col.mul(x0));
          t0 = t0.add(next.mul(x0));
          s1 = s1.add(col.mul(x1));
          t1 = t1.add(next.mul(x1));
          s2 = s2.add(col.mul(x2));
          t2 = t2.add(next.mul(x2));
          s3 = s3.add(col.mul(x3));
          t3 = t3.add(next.mul(x3));
        }
        // lane L compares centroid c + L before c + 8 + L: each lane still sees its centroids in
        // increasing order, so it keeps the lowest index of its minimum
        IntVector index = IOTA.add(c);
        VectorMask<Float> m0 = s0.lt(b0), m1 = s1.lt(b1), m2 = s2.lt(b2), m3 = s3.lt(b3);
        b0 = b0.blend(s0, m0);
        b1 = b1.blend(s1, m1);
        b2 = b2.blend(s2, m2);
        b3 = b3.blend(s3, m3);
        i0 = i0.blend(index, m0.cast(I));
        i1 = i1.blend(index, m1.cast(I));
        i2 = i2.blend(index, m2.cast(I));
        i3 = i3.blend(index, m3.cast(I));
        index = IOTA.add(c + 8);
        m0 = t0.lt(b0);
        m1 = t1.lt(b1);
        m2 = t2.lt(b2);
        m3 = t3.lt(b3);
        b0 = b0.blend(t0, m0);
        b1 = b1.blend(t1, m1);
        b2 = b2.blend(t2, m2);
        b3 = b3.blend(t3, m3);
        i0 = i0.blend(index, m0.cast(I));
        i1 = i1.blend(index, m1.cast(I));
        i2 = i2.blend(index, m2.cast(I));
        i3 = i3.blend(index, m3.cast(I));
      }
      for (; c < k; c += 8) {
        FloatVector s0 = FloatVector.fromArray(F, norms, c), s1 = s0, s2 = s0, s3 = s0;
        for (int j = 0, at = c; j < dim; j++, at += k) {
          FloatVector col = FloatVector.fromArray(F, columns, at);
          s0 = s0.add(col.mul(-2f * points[p0 + j]));
          s1 = s1.add(col.mul(-2f * points[p1 + j]));
          s2 = s2.add(col.mul(-2f * points[p2 + j]));
          s3 = s3.add(col.mul(-2f * points[p3 + j]));
        }
        IntVector index = IOTA.add(c);
        VectorMask<Float> m0 = s0.lt(b0), m1 = s1.lt(b1), m2 = s2.lt(b2), m3 = s3.lt(b3);
        b0 = b0.blend(s0, m0);
        b1 = b1.blend(s1, m1);
        b2 = b2.blend(s2, m2);
        b3 = b3.blend(s3, m3);
        i0 = i0.blend(index, m0.cast(I));
        i1 = i1.blend(index, m1.cast(I));
        i2 = i2.blend(index, m2.cast(I));
        i3 = i3.blend(index, m3.cast(I));
      }
      settle(b0, i0, assignment, score, i);
      settle(b1, i1, assignment, score, i + 1);
      settle(b2, i2, assignment, score, i + 2);
      settle(b3, i3, assignment, score, i + 3);
    }
    for (; i < count; i++) {
      nearestCentroid(points, base + i * stride, columns, norms, dim, k, assignment, score, i);
    }
  }

  /**
   * One point against 32 centroids per step (four accumulators of 8), so a lone point (a PQ
   * sub-vector, a coarse assignment) also runs at SIMD width: 101 ns against the plain loop's 777
   * for 256 centroids of 8 dims (thread CPU time).
   */
  private static void nearestCentroid(float[] points, int p, float[] columns, float[] norms, int dim, int k,
                                      int[] assignment, float[] score, int at) {
    FloatVector best = FloatVector.broadcast(F, Float.POSITIVE_INFINITY);
    IntVector index = IntVector.zero(I);
    int c = 0;
    for (; c + 31 < k; c += 32) {
      FloatVector s0 = FloatVector.fromArray(F, norms, c);
      FloatVector s1 = FloatVector.fromArray(F, norms, c + 8);
      FloatVector s2 = FloatVector.fromArray(F, norms, c + 16);
      FloatVector s3 = FloatVector.fromArray(F, norms, c + 24);
      for (int j = 0, col = c; j < dim; j++, col += k) {
        float x = -2f * points[p + j];
        s0 = s0.add(FloatVector.fromArray(F, columns, col).mul(x));
        s1 = s1.add(FloatVector.fromArray(F, columns, col + 8).mul(x));
        s2 = s2.add(FloatVector.fromArray(F, columns, col + 16).mul(x));
        s3 = s3.add(FloatVector.fromArray(F, columns, col + 24).mul(x));
      }
      // in increasing centroid order, so each lane keeps the lowest index of its minimum
      VectorMask<Float> m0 = s0.lt(best);
      best = best.blend(s0, m0);
      index = index.blend(IOTA.add(c), m0.cast(I));
      VectorMask<Float> m1 = s1.lt(best);
      best = best.blend(s1, m1);
      index = index.blend(IOTA.add(c + 8), m1.cast(I));
      VectorMask<Float> m2 = s2.lt(best);
      best = best.blend(s2, m2);
      index = index.blend(IOTA.add(c + 16), m2.cast(I));
      VectorMask<Float> m3 = s3.lt(best);
      best = best.blend(s3, m3);
      index = index.blend(IOTA.add(c + 24), m3.cast(I));
    }
    for (; c < k; c += 8) {
      FloatVector s = FloatVector.fromArray(F, norms, c);
      for (int j = 0, col = c; j < dim; j++, col += k) {
        s = s.add(FloatVector.fromArray(F, columns, col).mul(-2f * points[p + j]));
      }
      VectorMask<Float> m = s.lt(best);
      best = best.blend(s, m);
      index = index.blend(IOTA.add(c), m.cast(I));
    }
    settle(best, index, assignment, score, at);
  }

  /**
   * The winner across lanes: each lane holds the lowest index reaching its own minimum, so the
   * lowest index among the lanes at the overall minimum is the plain loop's answer.
   */
  private static void settle(FloatVector best, IntVector index, int[] assignment, float[] score, int at) {
    float min = best.reduceLanes(VectorOperators.MIN);
    VectorMask<Integer> atMin = best.eq(min).cast(I);
    assignment[at] = index.reduceLanes(VectorOperators.MIN, atMin);
    score[at] = min;
  }

  /**
   * Four points against 16 columns per step (eight independent sums, so the adds' latency is
   * hidden), then 8 columns, then the last {@code count mod 4} points one by one.
   */
  static void columnScores(float[] points, int base, int stride, int count, float[] columns, int dim, int k,
                           float[] out) {
    int i = 0;
    for (; i + 3 < count; i += 4) {
      int p0 = base + i * stride, p1 = p0 + stride, p2 = p1 + stride, p3 = p2 + stride;
      int c = 0;
      for (; c + 15 < k; c += 16) {
        FloatVector s0 = FloatVector.zero(F), s1 = s0, s2 = s0, s3 = s0, t0 = s0, t1 = s0, t2 = s0, t3 = s0;
        for (int j = 0, at = c; j < dim; j++, at += k) {
          FloatVector col = FloatVector.fromArray(F, columns, at);
          FloatVector next = FloatVector.fromArray(F, columns, at + 8);
          float x0 = points[p0 + j], x1 = points[p1 + j], x2 = points[p2 + j], x3 = points[p3 + j];
          s0 = s0.add(col.mul(x0));
          t0 = t0.add(next.mul(x0));
          s1 = s1.add(col.mul(x1));
          t1 = t1.add(next.mul(x1));
          s2 = s2.add(col.mul(x2));
          t2 = t2.add(next.mul(x2));
          s3 = s3.add(col.mul(x3));
          t3 = t3.add(next.mul(x3));
        }
        int o = i * k + c;
        s0.intoArray(out, o);
        t0.intoArray(out, o + 8);
        s1.intoArray(out, o + k);
        t1.intoArray(out, o + k + 8);
        s2.intoArray(out, o + 2 * k);
        t2.intoArray(out, o + 2 * k + 8);
        s3.intoArray(out, o + 3 * k);
        t3.intoArray(out, o + 3 * k + 8);
      }
      for (; c < k; c += 8) {
        FloatVector s0 = FloatVector.zero(F), s1 = s0, s2 = s0, s3 = s0;
        for (int j = 0, at = c; j < dim; j++, at += k) {
          FloatVector col = FloatVector.fromArray(F, columns, at);
          s0 = s0.add(col.mul(points[p0 + j]));
          s1 = s1.add(col.mul(points[p1 + j]));
          s2 = s2.add(col.mul(points[p2 + j]));
          s3 = s3.add(col.mul(points[p3 + j]));
        }
        int o = i * k + c;
        s0.intoArray(out, o);
        s1.intoArray(out, o + k);
        s2.intoArray(out, o + 2 * k);
        s3.intoArray(out, o + 3 * k);
      }
    }
    for (; i < count; i++) {
      int p = base + i * stride;
      for (int c = 0; c < k; c += 8) {
        FloatVector s = FloatVector.zero(F);
        for (int j = 0, at = c; j < dim; j++, at += k) {
          s = s.add(FloatVector.fromArray(F, columns, at).mul(points[p + j]));
        }
        s.intoArray(out, i * k + c);
      }
    }
  }
}
