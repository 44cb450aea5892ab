package io.quantpipe.quant.kmeans;

import io.quantpipe.stats.ExactSums;

/**
 * The work of one Lloyd iteration as a mergeable statistic: for each of {@code k} centroids the
 * number of points assigned and the exact sum of their coordinates, plus the total squared distance
 * (inertia). A Spark partition (or a thread) fills one over its points; merging them in any order
 * gives bit-identical results because sums are {@link ExactSums}, so the next codebook does not
 * depend on how the data was split. Memory: {@code 2·k·dim + k} longs. Not thread-safe.
 */
public final class KMeansStatistics implements java.io.Serializable {
  private static final long serialVersionUID = 1L;
  private final int k;
  private final int dim;
  private final long[] counts;
  private final ExactSums sums;
  private final ExactSums inertia;

  public KMeansStatistics(int k, int dim) {
    if (k <= 0 || dim <= 0) {
      throw new IllegalArgumentException("k-means statistics need positive k and dim; k=" + k + ", dim=" + dim);
    }
    this.k = k;
    this.dim = dim;
    this.counts = new long[k];
    this.sums = new ExactSums(k * dim);
    this.inertia = new ExactSums(1);
  }

  /** Records that the point at {@code point[off, off+dim)} was assigned to {@code centroid} at squared distance {@code distance}. */
  public void add(float[] point, int off, int centroid, float distance) {
    counts[centroid]++;
    int base = centroid * dim;
    for (int j = 0; j < dim; j++) {
      sums.add(base + j, point[off + j]);
    }
    inertia.add(0, Math.max(0f, distance));
  }

  /** Adds another partition's statistics into this one; {@code other} is unchanged. */
  public void merge(KMeansStatistics other) {
    if (other.k != k || other.dim != dim) {
      throw new IllegalArgumentException(String.format(
          "Cannot merge k-means statistics (k=%d, dim=%d) into (k=%d, dim=%d)", other.k, other.dim, k, dim));
    }
    for (int c = 0; c < k; c++) {
      counts[c] += other.counts[c];
    }
    sums.merge(other.sums);
    inertia.merge(other.inertia);
  }

  public int k() {
    return k;
  }

  public int dim() {
    return dim;
  }

  /** Points assigned to {@code centroid}. */
  public long count(int centroid) {
    return counts[centroid];
  }

  /** Sum of squared distances of points to their assigned centroids. */
  public double inertia() {
    return inertia.get(0);
  }

  /**
   * The means of the assigned points, {@code k × dim} row-major; a centroid that got no point keeps
   * its previous position here (see {@link KMeans#repairEmpty}).
   */
  public float[] means(float[] previous) {
    float[] next = previous.clone();
    for (int c = 0; c < k; c++) {
      if (counts[c] > 0) {
        for (int j = 0; j < dim; j++) {
          next[c * dim + j] = (float) (sums.get(c * dim + j) / counts[c]);
        }
      }
    }
    return next;
  }

  /** Per-centroid counts (a copy). */
  public long[] counts() {
    return counts.clone();
  }
}
