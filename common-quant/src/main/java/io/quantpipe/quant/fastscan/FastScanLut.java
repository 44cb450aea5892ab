package io.quantpipe.quant.fastscan;

/**
 * A query's lookup table over 4-bit codes (a 4-bit PQ table, or RaBitQ's sign sums) quantized to unsigned bytes for the fast scan
 * ({@link io.quantpipe.vector.VectorUtil#fastScan}): {@code m × 16} entries, one 16-byte register
 * per subspace.
 *
 * <p>The float table is first turned into costs, lower is better: the partial squared distances
 * for l2, the negated inner products for ip. Subspace {@code j}'s entries are shifted by their
 * minimum {@code bias_j}, and every subspace shares one scale {@code s = qmax / R}, {@code R} the
 * widest subspace range, so {@code q[j][c] = round((cost[j][c] − bias_j)·s)} ∈ [0, qmax] with
 * {@code qmax = min(255, floor(65535 / m))}: the sum over {@code m} subspaces then fits the kernel's
 * 16-bit accumulators. A shared scale is what makes quantized sums comparable across codes; the
 * per-subspace bias is free (it adds the same {@code Σ bias_j} to every code).
 *
 * <p>Error bound: each entry is off by at most half a unit, so for every code
 * {@code |cost(code) − (Σ bias_j + qsum/s)| ≤ m/(2s) = m·R/(2·qmax)} ({@link #errorBound()}),
 * plus the float rounding of the exact sums. Two codes can therefore swap order only if their exact
 * costs differ by less than {@code m/s}, that is, {@link #marginUnits()} quantized units.
 *
 * <p>Built once per query; immutable, and safe to share once built.
 */
public final class FastScanLut {
  private final byte[] table;
  private final int m;
  private final float scale;
  private final float bias;

  private FastScanLut(byte[] table, int m, float scale, float bias) {
    this.table = table;
    this.m = m;
    this.scale = scale;
    this.bias = bias;
  }

  /**
   * Quantizes an {@code m × 16} table.
   *
   * @param subspaces entry {@code 16·j + c}: centroid {@code c} of subspace {@code j}
   *     ({@link io.quantpipe.quant.pq.DistanceTable#subspaceTable()})
   * @param costs whether the entries are costs (l2 distances) rather than gains (inner products)
   */
  public static FastScanLut quantize(float[] subspaces, boolean costs) {
    if (subspaces.length == 0 || subspaces.length % 16 != 0) {
      throw new IllegalArgumentException("A fast-scan table has 16 entries per subspace; got " + subspaces.length);
    }
    int m = subspaces.length / 16;
    if (m > 65535) {
      throw new IllegalArgumentException("Fast scan sums at most 65535 subspaces in 16 bits; m=" + m);
    }
    int qmax = Math.min(255, 65535 / m);
    float[] cost = new float[subspaces.length];
    float[] mins = new float[m];
    float range = 0;
    for (int j = 0; j < m; j++) {
      float lo = Float.POSITIVE_INFINITY, hi = Float.NEGATIVE_INFINITY;
      for (int c = 0; c < 16; c++) {
        float v = costs ? subspaces[16 * j + c] : -subspaces[16 * j + c];
        cost[16 * j + c] = v;
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
      mins[j] = lo;
      range = Math.max(range, hi - lo);
    }
    // A table of equal entries ranks nothing; any positive scale then gives all-zero bytes.
    float scale = range > 0 ? qmax / range : 1f;
    byte[] table = new byte[subspaces.length];
    double bias = 0;
    for (int j = 0; j < m; j++) {
      bias += mins[j];
      for (int c = 0; c < 16; c++) {
        int q = Math.round((cost[16 * j + c] - mins[j]) * scale);
        table[16 * j + c] = (byte) Math.max(0, Math.min(qmax, q));
      }
    }
    return new FastScanLut(table, m, scale, (float) bias);
  }

  /** The {@code m × 16} unsigned bytes the kernel reads. Not copied: callers must not write it. */
  public byte[] table() {
    return table;
  }

  public int m() {
    return m;
  }

  /** Quantized units per unit of cost. */
  public float scale() {
    return scale;
  }

  /** The approximate cost of a code from its quantized sum: {@code Σ bias_j + qsum / s}. */
  public float cost(int qsum) {
    return bias + qsum / scale;
  }

  /** The bound on {@code |cost(code) − cost(qsum(code))|}, in cost units: {@code m / (2s)}. */
  public float errorBound() {
    return m * 0.5f / scale;
  }

  /**
   * Quantized sums within this of the k-th smallest can hold a true top-k code: twice the error
   * bound ({@code m} units) plus one unit for the float rounding of the exact scores.
   */
  public int marginUnits() {
    return m + 1;
  }
}
