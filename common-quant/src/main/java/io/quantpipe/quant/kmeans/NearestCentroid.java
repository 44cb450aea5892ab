package io.quantpipe.quant.kmeans;

import io.quantpipe.vector.VectorUtil;
import java.util.Arrays;

/**
 * Finds the nearest of {@code k} centroids by squared L2, the assignment step of k-means and of
 * PQ encoding. Centroids are held transposed ({@code dim × k'}, {@code k'} = k rounded up to a
 * multiple of 8, padded with centroids of infinite norm that never win) with their squared norms,
 * so the distance to all centroids is {@code ‖c‖² − 2·x·c} computed as {@code dim} passes of
 * {@code s[c] += (−2·x_j)·col_j[c]}: the shape of FAISS's GEMM-based assignment, without a BLAS,
 * run by {@link VectorUtil#nearestCentroids} over blocks of points. Ties go to the lower index,
 * and the additions happen in the same order in every kernel implementation, so assignments and
 * PQ codes are the same on every engine.
 *
 * <p>Immutable after construction and thread-safe; callers pass their own scratch array.
 */
public final class NearestCentroid {
  private final int k;
  private final int padded;
  private final int dim;
  private final float[] columns;
  private final float[] norms;

  /** @param centroids {@code k × dim} row-major */
  public NearestCentroid(float[] centroids, int k, int dim) {
    if (centroids.length != k * dim) {
      throw new IllegalArgumentException("Expected " + k + "x" + dim + " centroids; got " + centroids.length + " values");
    }
    this.k = k;
    this.dim = dim;
    this.padded = (k + 7) & ~7;
    this.columns = new float[dim * padded];
    this.norms = new float[padded];
    Arrays.fill(norms, k, padded, Float.POSITIVE_INFINITY);
    for (int c = 0; c < k; c++) {
      float n = 0;
      for (int j = 0; j < dim; j++) {
        float v = centroids[c * dim + j];
        columns[j * padded + c] = v;
        n += v * v;
      }
      norms[c] = n;
    }
  }

  public int k() {
    return k;
  }

  /** A scratch array for {@link #nearest} (it receives the winner's score). */
  public float[] newScratch() {
    return new float[1];
  }

  /**
   * The index of the centroid nearest to {@code x[off, off+dim)}. Afterwards {@code scratch[0]}
   * holds the winner's {@code ‖c‖² − 2·x·c}, so its squared distance is that plus {@code ‖x‖²}.
   */
  public int nearest(float[] x, int off, float[] scratch) {
    int[] winner = new int[1];
    VectorUtil.nearestCentroids(x, off, dim, 1, columns, norms, dim, padded, winner, scratch);
    return winner[0];
  }

  /**
   * Assigns {@code count} points {@code data[base + i·stride, +dim)} at once: {@code assignment[i]}
   * is the nearest centroid and {@code score[i]} its {@code ‖c‖² − 2·x·c}.
   */
  public void assign(float[] data, int base, int stride, int count, int[] assignment, float[] score) {
    VectorUtil.nearestCentroids(data, base, stride, count, columns, norms, dim, padded, assignment, score);
  }

  /** Squared distance from {@code x} to the centroid {@link #nearest} just returned. */
  public float distance(float[] x, int off, float[] scratch, int winner) {
    return squaredDistance(x, off, scratch[0]);
  }

  /** {@code ‖x‖² + score}, clamped at 0 against rounding: the squared distance for a winner's score. */
  public float squaredDistance(float[] x, int off, float score) {
    float n = 0;
    for (int j = 0; j < dim; j++) {
      n += x[off + j] * x[off + j];
    }
    return Math.max(0f, n + score);
  }
}
