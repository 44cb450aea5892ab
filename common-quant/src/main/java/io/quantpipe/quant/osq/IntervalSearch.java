package io.quantpipe.quant.osq;

/**
 * Picks one vector's quantization interval {@code [a, b]} by minimising the anisotropic loss of
 * optimized scalar quantization (Elastic's "Optimized Scalar Quantization", 2024; Lucene 10's
 * {@code OptimizedScalarQuantizer}). This class is the algorithm; it was written from the paper's
 * description, not copied.
 *
 * <p>For a centred vector {@code x} (of {@code d} components) and its reconstruction
 * {@code x̂_i = a + Δ·k_i}, {@code Δ = (b − a)/(2^B − 1)}, {@code k_i = round((clamp(x_i, a, b) − a)/Δ)},
 * the loss is
 * <pre>  L(a, b) = (1 − λ)·⟨x, x − x̂⟩² / ‖x‖² + λ·‖x − x̂‖²</pre>
 * the first term being the squared error along {@code x} (which moves inner products with nearby
 * queries most), the second the plain squared error.
 * <ol>
 *   <li>Start from {@code mean ± c_B·std} of the vector's own components, clamped to their range,
 *       where {@code c_B} is the clipping of the minimum-MSE uniform quantizer of a standard normal
 *       at {@code 2^B} levels (Lloyd–Max grid): a good interval when components look Gaussian.
 *   <li>With the codes {@code k_i} fixed, {@code L} is a quadratic in {@code (a, b)}; solve its
 *       2×2 normal equations in closed form, then re-round the codes (coordinate descent).
 *   <li>Keep a step only when the loss does not rise (re-rounding can undo the gain), stop at a
 *       fixed point, a degenerate system or after {@code iterations} steps.
 * </ol>
 * So the final loss is never above the initial interval's. Every operation is plain float or double
 * arithmetic in a fixed order (no {@code Math.fma}, no platform maths but the correctly rounded
 * {@link Math#sqrt}), so the interval, and the codes, are identical on every JVM.
 *
 * <p>Immutable and thread-safe: every call uses only its arguments and locals.
 */
final class IntervalSearch {
  /**
   * {@code c_B} for B = 1..8: the half-width, in standard deviations, of the uniform quantizer with
   * {@code 2^B} levels of least mean squared error on a standard normal.
   */
  private static final float[] MIN_MSE_CLIP = {0.798f, 1.493f, 2.051f, 2.514f, 2.916f, 3.278f, 3.611f, 3.922f};

  private static final int UU = 0, US = 1, SS = 2, XU = 3, XS = 4, SUMS = 5;

  private final int maxCode;
  private final float clip;
  private final double lambda;
  private final int iterations;

  IntervalSearch(OsqParams params) {
    this.maxCode = params.maxCode();
    this.clip = MIN_MSE_CLIP[params.bits() - 1];
    this.lambda = params.lambda();
    this.iterations = params.iterations();
  }

  /** The reconstruction step {@code Δ = (b − a)/maxCode}, computed the same way by encoder and scorer. */
  static float step(float a, float b, int maxCode) {
    return (b - a) / maxCode;
  }

  /** {@code 1/Δ}, or 0 for an empty interval (every component then codes to 0 and reads back as {@code a}). */
  private float inverseStep(float a, float b) {
    return b > a ? maxCode / (b - a) : 0f;
  }

  /** The code of one component: {@code round((clamp(x, a, b) − a)/Δ)}, in {@code [0, maxCode]}. */
  static int code(float x, float a, float b, float inverseStep, int maxCode) {
    float clamped = Math.max(a, Math.min(b, x));
    return Math.min(maxCode, Math.round((clamped - a) * inverseStep));
  }

  /**
   * Writes the optimised interval of {@code x} into {@code interval[0]} (a) and {@code interval[1]} (b).
   *
   * @param x the centred vector (not modified)
   * @param norm2 {@code ‖x‖²}
   */
  void search(float[] x, double norm2, float[] interval) {
    initial(x, interval);
    if (norm2 == 0 || !(interval[1] > interval[0])) {
      return; // x = 0 or constant components: nothing to trade, any interval reconstructs them alike
    }
    double[] sums = new double[SUMS];
    double best = pass(x, interval[0], interval[1], norm2, sums);
    double parallel = (1 - lambda) / norm2;
    for (int it = 0; it < iterations; it++) {
      float a = interval[0];
      float b = interval[1];
      double uu = sums[UU], us = sums[US], ss = sums[SS], xu = sums[XU], xs = sums[XS];
      // ∂L/∂a = ∂L/∂b = 0 with the codes fixed: M·(a, b) = (xu, xs), because (1 − λ)/‖x‖²·‖x‖² + λ = 1.
      double m00 = parallel * xu * xu + lambda * uu;
      double m01 = parallel * xu * xs + lambda * us;
      double m11 = parallel * xs * xs + lambda * ss;
      double det = m00 * m11 - m01 * m01;
      if (!(det > 0)) {
        return; // all codes equal: the system is singular
      }
      float na = (float) ((m11 * xu - m01 * xs) / det);
      float nb = (float) ((m00 * xs - m01 * xu) / det);
      if (!(nb > na) || !Float.isFinite(na) || !Float.isFinite(nb) || (na == a && nb == b)) {
        return;
      }
      // One pass gives both the candidate's loss and, if it is kept, the sums of the next step.
      double l = pass(x, na, nb, norm2, sums);
      if (l > best) {
        return;
      }
      interval[0] = na;
      interval[1] = nb;
      best = l;
    }
  }

  /** The starting interval: mean ± c_B·std of the components, clamped to [min, max]. */
  void initial(float[] x, float[] interval) {
    double sum = 0;
    float min = Float.POSITIVE_INFINITY;
    float max = Float.NEGATIVE_INFINITY;
    for (float xi : x) {
      sum += xi;
      min = Math.min(min, xi);
      max = Math.max(max, xi);
    }
    double mean = sum / x.length;
    double var = 0;
    for (float xi : x) {
      double t = xi - mean;
      var += t * t;
    }
    double std = Math.sqrt(var / x.length);
    interval[0] = Math.max(min, Math.min(max, (float) (mean - clip * std)));
    interval[1] = Math.max(min, Math.min(max, (float) (mean + clip * std)));
  }

  /** {@code L(a, b)} of the centred vector {@code x}; see the class comment. */
  double loss(float[] x, float a, float b, double norm2) {
    return pass(x, a, b, norm2, new double[SUMS]);
  }

  /**
   * One pass over {@code x} with the codes of {@code [a, b]}: returns {@code L(a, b)} and writes into
   * {@code sums} the normal equations' sums of {@code u_i², u_i·s_i, s_i², x_i·u_i, x_i·s_i}, with
   * {@code s_i = k_i/maxCode} and {@code u_i = 1 − s_i}, so that {@code x̂_i = a·u_i + b·s_i}. They
   * are derived from the exact integer sums {@code Σ k_i}, {@code Σ k_i²} and from {@code Σ x_i·k_i}
   * and {@code Σ x_i}, which costs no division per component.
   */
  private double pass(float[] x, float a, float b, double norm2, double[] sums) {
    float delta = step(a, b, maxCode);
    float inv = inverseStep(a, b);
    double along = 0, total = 0, xk = 0, xSum = 0;
    long kSum = 0, kSquares = 0;
    for (float xi : x) {
      int k = code(xi, a, b, inv, maxCode);
      float reconstructed = a + delta * k;
      double err = xi - reconstructed;
      along += xi * err;
      total += err * err;
      kSum += k;
      kSquares += (long) k * k;
      xk += (double) xi * k;
      xSum += xi;
    }
    double m = maxCode;
    double sSum = kSum / m;
    double ss = kSquares / (m * m);
    sums[SS] = ss;
    sums[US] = sSum - ss;
    sums[UU] = x.length - 2 * sSum + ss;
    sums[XS] = xk / m;
    sums[XU] = xSum - xk / m;
    return (1 - lambda) * along * along / norm2 + lambda * total;
  }
}
