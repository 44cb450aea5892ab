package io.quantpipe.quant.pq;

/**
 * Product-quantization training parameters. Centroids per subspace are fixed at 256 (one byte per
 * subspace), as in FAISS's {@code nbits = 8}.
 *
 * @param m subspaces; must divide the dimension
 * @param iterations Lloyd iterations after k-means++ seeding (FAISS's default is 25)
 * @param seed seeds k-means++ (subspace {@code j} uses a seed derived from {@code (seed, j)})
 */
public record PqParams(int m, int iterations, long seed) {
  /** Centroids per subspace. */
  public static final int KSUB = 256;
  public static final int DEFAULT_ITERATIONS = 25;

  public PqParams {
    if (m <= 0) {
      throw new IllegalArgumentException("PQ needs a positive number of subspaces; m=" + m);
    }
    if (iterations < 0) {
      throw new IllegalArgumentException("PQ iterations must not be negative; iterations=" + iterations);
    }
  }

  /** Checks that {@code m} divides {@code dim}. */
  public void checkDimension(int dim) {
    if (dim % m != 0) {
      throw new IllegalArgumentException(String.format(
          "Cannot split dimension %d into %d PQ subspaces: m must divide the dimension", dim, m));
    }
  }

  /** The default M: {@code d/8}, or the largest divisor of d below it (at least 1). */
  public static int defaultM(int dim) {
    for (int m = Math.max(1, dim / 8); m > 1; m--) {
      if (dim % m == 0) {
        return m;
      }
    }
    return 1;
  }
}
