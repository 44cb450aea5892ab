package io.quantpipe.quant.pq;

/**
 * Product-quantization training parameters. Centroids per subspace are 256 (8-bit codes, one byte
 * per subspace, FAISS's {@code nbits = 8}, the default) or 16 (4-bit codes packed two per byte,
 * FAISS's {@code nbits = 4}, the layout its fast-scan kernels read).
 *
 * @param m subspaces; must divide the dimension
 * @param ksub centroids per subspace: {@value #KSUB} or {@value #KSUB_4BIT}
 * @param iterations Lloyd iterations after k-means++ seeding (FAISS's default is 25)
 * @param seed seeds k-means++ (subspace {@code j} uses a seed derived from {@code (seed, j)})
 */
public record PqParams(int m, int ksub, int iterations, long seed) {
  /** Centroids per subspace of 8-bit PQ, the default. */
  public static final int KSUB = 256;
  /** Centroids per subspace of 4-bit PQ. */
  public static final int KSUB_4BIT = 16;
  public static final int DEFAULT_ITERATIONS = 25;

  public PqParams {
    if (m <= 0) {
      throw new IllegalArgumentException("PQ needs a positive number of subspaces; m=" + m);
    }
    checkKsub(ksub);
    if (iterations < 0) {
      throw new IllegalArgumentException("PQ iterations must not be negative; iterations=" + iterations);
    }
  }

  /** 8-bit PQ ({@code ksub = 256}). */
  public PqParams(int m, int iterations, long seed) {
    this(m, KSUB, iterations, seed);
  }

  /** Rejects a centroid count other than 16 or 256, naming the field. */
  public static void checkKsub(int ksub) {
    if (ksub != KSUB && ksub != KSUB_4BIT) {
      throw new IllegalArgumentException("PQ ksub (centroids per subspace) must be " + KSUB_4BIT + " or " + KSUB
          + "; ksub=" + ksub);
    }
  }

  /** Bits per subspace code: 8 for 256 centroids, 4 for 16. */
  public int bits() {
    return ksub == KSUB ? 8 : 4;
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
