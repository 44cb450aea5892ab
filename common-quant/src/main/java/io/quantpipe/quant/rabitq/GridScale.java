package io.quantpipe.quant.rabitq;

import java.util.SplittableRandom;

/**
 * The scale t of Extended RaBitQ's grid (Gao &amp; Long, SIGMOD 2025, arXiv 2409.09913, §3.2): a
 * unit vector o is coded per coordinate as {@code e_i = min(⌊t·|o_i|⌋, 2^(B−1) − 1)}, standing for
 * {@code |ȳ_i| = e_i + 1/2}, and the best t maximises the cosine {@code ⟨ȳ, o⟩ / ‖ȳ‖}.
 *
 * <p>{@link #exact} walks the critical values {@code (e_i + 1)/|o_i|} (where one coordinate moves up
 * a level) in increasing order with a binary heap, updating {@code ⟨ȳ, o⟩} and {@code ‖ȳ‖²} in O(1)
 * per step, until every coordinate is at the top level: all {@code d·(2^(B−1) − 1)} critical
 * values. (Stopping where the largest coordinate reaches the top level, {@code t = (2^(B−1) −
 * 1)/max|o_i|}, misses the optimum: at two bits it leaves every other coordinate at the bottom
 * level, a cosine of 0.81 instead of 0.94 on Gaussian directions.) {@link #fixed} averages that
 * best t over random Gaussian directions once per (d, B): RaBitQ-Library's faster quantization.
 *
 * <p>All arithmetic is in double, in a fixed order, so the chosen codes are the same on every JVM.
 * Stateless.
 */
final class GridScale {
  /** Gaussian directions averaged by {@link #fixed}, as RaBitQ-Library's {@code kConstNum}. */
  static final int FIXED_PROBES = 100;

  private GridScale() {}

  /** The codes {@code e_i} for scale {@code t}: {@code min(⌊t·|o_i|⌋, top)}. */
  static void quantize(double[] absO, double t, int top, int[] e) {
    for (int i = 0; i < absO.length; i++) {
      double v = Math.floor(t * absO[i]);
      e[i] = v >= top ? top : (int) v;
    }
  }

  /**
   * The scale of the best cosine for {@code absO} (the |coordinates| of a unit vector) at
   * {@code top = 2^(B−1) − 1}. Returned as a point strictly inside the interval of t over which the
   * best codes hold (the midpoint to the next critical value), so {@link #quantize} reproduces them
   * without a tie at a boundary.
   */
  static double exact(double[] absO, int top) {
    int d = absO.length;
    double maxO = 0;
    for (double v : absO) {
      maxO = Math.max(maxO, v);
    }
    if (maxO == 0 || top == 0) {
      return 0;
    }
    int[] level = new int[d];
    // Binary min-heap of (critical t, coordinate), ties broken by coordinate so the order is fixed.
    double[] keys = new double[d];
    int[] ids = new int[d];
    int size = 0;
    double numerator = 0; // ⟨ȳ, o⟩ with every level at 0
    for (int i = 0; i < d; i++) {
      numerator += 0.5 * absO[i];
      if (absO[i] > 0) {
        size = push(keys, ids, size, 1 / absO[i], i);
      }
    }
    double sqNorm = 0.25 * d; // ‖ȳ‖²
    double bestCos = numerator / Math.sqrt(sqNorm);
    double bestT = 0;
    boolean bestIsCurrent = true;
    while (size > 0) {
      double t = keys[0];
      if (bestIsCurrent) {
        bestT = (bestT + t) / 2; // the best state held on [previous critical value, t)
        bestIsCurrent = false;
      }
      while (size > 0 && keys[0] == t) { // every coordinate that moves at t moves together
        int i = ids[0];
        size = pop(keys, ids, size);
        int e = ++level[i];
        sqNorm += 2 * e; // (e + 1/2)² − (e − 1/2)²
        numerator += absO[i];
        if (e < top) {
          size = push(keys, ids, size, (e + 1) / absO[i], i);
        }
      }
      double cos = numerator / Math.sqrt(sqNorm);
      if (cos > bestCos) {
        bestCos = cos;
        bestT = t;
        bestIsCurrent = true;
      }
    }
    if (bestIsCurrent) { // the final state is best: every coordinate at the top level, for any larger t
      bestT = 2 * bestT;
    }
    return bestT;
  }

  /**
   * The fixed scale for dimension {@code dim} at {@code top}: the mean {@link #exact} scale of
   * {@link #FIXED_PROBES} unit Gaussian directions drawn from {@code seed}.
   */
  static double fixed(int dim, int top, long seed) {
    if (top == 0) {
      return 0;
    }
    SplittableRandom random = new SplittableRandom(seed);
    double sum = 0;
    double[] o = new double[dim];
    for (int p = 0; p < FIXED_PROBES; p++) {
      double sq = 0;
      for (int i = 0; i < dim; i++) {
        o[i] = gaussian(random);
        sq += o[i] * o[i];
      }
      double inv = 1 / Math.sqrt(sq);
      for (int i = 0; i < dim; i++) {
        o[i] = Math.abs(o[i]) * inv;
      }
      sum += exact(o, top);
    }
    return sum / FIXED_PROBES;
  }

  /** Box–Muller with StrictMath, so the probes are the same on every JVM. */
  private static double gaussian(SplittableRandom random) {
    double u = 1.0 - random.nextDouble();
    double v = random.nextDouble();
    return StrictMath.sqrt(-2.0 * StrictMath.log(u)) * StrictMath.cos(2 * Math.PI * v);
  }

  private static boolean less(double[] keys, int[] ids, int a, int b) {
    return keys[a] < keys[b] || (keys[a] == keys[b] && ids[a] < ids[b]);
  }

  private static int push(double[] keys, int[] ids, int size, double key, int id) {
    int i = size;
    keys[i] = key;
    ids[i] = id;
    while (i > 0) {
      int parent = (i - 1) >> 1;
      if (!less(keys, ids, i, parent)) {
        break;
      }
      swap(keys, ids, i, parent);
      i = parent;
    }
    return size + 1;
  }

  private static int pop(double[] keys, int[] ids, int size) {
    int last = size - 1;
    keys[0] = keys[last];
    ids[0] = ids[last];
    int i = 0;
    while (true) {
      int l = 2 * i + 1;
      if (l >= last) {
        return last;
      }
      int r = l + 1;
      int min = r < last && less(keys, ids, r, l) ? r : l;
      if (!less(keys, ids, min, i)) {
        return last;
      }
      swap(keys, ids, i, min);
      i = min;
    }
  }

  private static void swap(double[] keys, int[] ids, int a, int b) {
    double k = keys[a];
    keys[a] = keys[b];
    keys[b] = k;
    int id = ids[a];
    ids[a] = ids[b];
    ids[b] = id;
  }
}
