package io.quantpipe.quant.kmeans;

import java.util.SplittableRandom;

/**
 * The steps of Lloyd's k-means, as static functions over a strided view of points so that PQ can
 * run them on the sub-vectors of one array: point {@code i} is
 * {@code data[base + i·stride, base + i·stride + dim)}.
 *
 * <p>Every step is deterministic for a given seed: k-means++ draws from a {@link SplittableRandom}
 * seeded by the caller, assignments break ties by lower index, statistics are exact, and empty
 * clusters are repaired by a fixed rule. The distributed trainer runs the same steps, with
 * {@link #accumulate} on each partition and {@link KMeansStatistics#merge} in between.
 */
public final class KMeans {
  /** Relative perturbation when splitting a cluster to fill an empty one (FAISS uses 1/1024 too). */
  static final float SPLIT_EPSILON = 1f / 1024;
  /** Points assigned per kernel call: enough to amortise the call, few enough to stay in cache. */
  private static final int BLOCK = 256;

  private KMeans() {}

  /**
   * k-means++ seeding (Arthur &amp; Vassilvitskii, 2007): the first centre uniformly, each next one
   * with probability proportional to the squared distance to the nearest centre chosen so far.
   *
   * @return {@code k × dim} row-major centroids
   * @throws IllegalArgumentException when there are fewer points than centroids
   */
  public static float[] initPlusPlus(float[] data, int base, int stride, int count, int dim, int k, long seed) {
    if (count < k) {
      throw new IllegalArgumentException(String.format(
          "Cannot train %d centroids from %d training vectors: need at least as many vectors as centroids", k, count));
    }
    SplittableRandom random = new SplittableRandom(seed);
    float[] centroids = new float[k * dim];
    double[] nearest = new double[count];
    int first = random.nextInt(count);
    System.arraycopy(data, base + first * stride, centroids, 0, dim);
    double total = updateNearest(data, base, stride, count, dim, centroids, 0, nearest, true);
    for (int c = 1; c < k; c++) {
      int chosen;
      if (total <= 0) {
        chosen = random.nextInt(count); // every point coincides with a centre: any point will do
      } else {
        double target = random.nextDouble() * total;
        chosen = count - 1;
        double running = 0;
        for (int i = 0; i < count; i++) {
          running += nearest[i];
          if (running > target) {
            chosen = i;
            break;
          }
        }
      }
      System.arraycopy(data, base + chosen * stride, centroids, c * dim, dim);
      total = updateNearest(data, base, stride, count, dim, centroids, c * dim, nearest, false);
    }
    return centroids;
  }

  private static double updateNearest(float[] data, int base, int stride, int count, int dim,
                                      float[] centroids, int cOff, double[] nearest, boolean first) {
    double total = 0;
    for (int i = 0; i < count; i++) {
      int p = base + i * stride;
      float d = 0;
      for (int j = 0; j < dim; j++) {
        float t = data[p + j] - centroids[cOff + j];
        d += t * t;
      }
      if (first || d < nearest[i]) {
        nearest[i] = d;
      }
      total += nearest[i];
    }
    return total;
  }

  /** Assigns {@code count} points to their nearest centroid and adds them to {@code stats}. */
  public static void accumulate(float[] data, int base, int stride, int count,
                                NearestCentroid index, KMeansStatistics stats) {
    int[] assignment = new int[Math.min(count, BLOCK)];
    float[] score = new float[assignment.length];
    for (int from = 0; from < count; from += BLOCK) {
      int n = Math.min(BLOCK, count - from);
      int first = base + from * stride;
      index.assign(data, first, stride, n, assignment, score);
      for (int i = 0; i < n; i++) {
        int p = first + i * stride;
        stats.add(data, p, assignment[i], index.squaredDistance(data, p, score[i]));
      }
    }
  }

  /** The next centroids from merged statistics: assigned means, then empty clusters repaired. */
  public static float[] update(KMeansStatistics stats, float[] previous) {
    float[] next = stats.means(previous);
    repairEmpty(next, stats.counts(), stats.k(), stats.dim());
    return next;
  }

  /**
   * Fills each empty cluster by splitting the most populated one (ties: lower index), as FAISS
   * does: both halves are the old centroid nudged in opposite directions by {@link #SPLIT_EPSILON},
   * alternating per dimension. No randomness, so every engine repairs identically.
   */
  static void repairEmpty(float[] centroids, long[] counts, int k, int dim) {
    for (int empty = 0; empty < k; empty++) {
      if (counts[empty] != 0) {
        continue;
      }
      int big = 0;
      for (int c = 1; c < k; c++) {
        if (counts[c] > counts[big]) {
          big = c;
        }
      }
      if (counts[big] <= 1) {
        return; // nothing left to split
      }
      for (int j = 0; j < dim; j++) {
        float v = centroids[big * dim + j];
        float up = v * (1 + SPLIT_EPSILON);
        float down = v * (1 - SPLIT_EPSILON);
        centroids[empty * dim + j] = (j % 2 == 0) ? up : down;
        centroids[big * dim + j] = (j % 2 == 0) ? down : up;
      }
      counts[empty] = counts[big] / 2;
      counts[big] -= counts[empty];
    }
  }
}
