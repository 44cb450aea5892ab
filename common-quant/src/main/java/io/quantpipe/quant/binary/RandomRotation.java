package io.quantpipe.quant.binary;

import java.util.SplittableRandom;

/**
 * A seeded random orthogonal matrix (Gaussian entries, then modified Gram–Schmidt in double), as
 * RaBitQ uses to spread a vector's energy evenly over dimensions before taking signs. The matrix is
 * stored in the quantizer artifact rather than regenerated from the seed, so a change in this
 * generator can never silently change existing codes.
 */
final class RandomRotation {
  private RandomRotation() {}

  /** A {@code dim × dim} orthogonal matrix, row-major. */
  static float[] generate(int dim, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    double[][] rows = new double[dim][dim];
    for (int i = 0; i < dim; i++) {
      for (int j = 0; j < dim; j++) {
        rows[i][j] = gaussian(random);
      }
      for (int k = 0; k < i; k++) {
        double dot = 0;
        for (int j = 0; j < dim; j++) {
          dot += rows[i][j] * rows[k][j];
        }
        for (int j = 0; j < dim; j++) {
          rows[i][j] -= dot * rows[k][j];
        }
      }
      double norm = 0;
      for (int j = 0; j < dim; j++) {
        norm += rows[i][j] * rows[i][j];
      }
      norm = Math.sqrt(norm);
      for (int j = 0; j < dim; j++) {
        rows[i][j] /= norm;
      }
    }
    float[] matrix = new float[dim * dim];
    for (int i = 0; i < dim; i++) {
      for (int j = 0; j < dim; j++) {
        matrix[i * dim + j] = (float) rows[i][j];
      }
    }
    return matrix;
  }

  /** Box–Muller with StrictMath, so the matrix is the same on every JVM. */
  private static double gaussian(SplittableRandom random) {
    double u = 1.0 - random.nextDouble();
    double v = random.nextDouble();
    return StrictMath.sqrt(-2.0 * StrictMath.log(u)) * StrictMath.cos(2 * Math.PI * v);
  }
}
