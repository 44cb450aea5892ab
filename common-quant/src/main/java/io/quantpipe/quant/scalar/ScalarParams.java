package io.quantpipe.quant.scalar;

/**
 * How to calibrate a {@link ScalarQuantizer}.
 *
 * @param bits bits per dimension: 8, 4 or 2
 * @param calibration where each dimension's range comes from
 * @param lowerQuantile for {@link Calibration#QUANTILE}: the range's lower end, in (0, 0.5)
 * @param upperQuantile for {@link Calibration#QUANTILE}: the range's upper end, in (0.5, 1)
 */
public record ScalarParams(int bits, Calibration calibration, double lowerQuantile, double upperQuantile) {

  /** Where the per-dimension range [lower, upper] comes from. */
  public enum Calibration {
    /** The exact minimum and maximum over all data given to the statistics (whole corpus or sample). */
    MIN_MAX,
    /** Quantiles of the training sample: outliers beyond them are clipped, the rest gets finer steps. */
    QUANTILE
  }

  public ScalarParams {
    if (bits != 8 && bits != 4 && bits != 2) {
      throw new IllegalArgumentException("Scalar quantization supports 8, 4 or 2 bits; bits=" + bits);
    }
    if (calibration == null) {
      throw new IllegalArgumentException("Scalar quantization needs a calibration (MIN_MAX or QUANTILE)");
    }
    if (calibration == Calibration.QUANTILE
        && !(lowerQuantile > 0 && lowerQuantile < 0.5 && upperQuantile > 0.5 && upperQuantile < 1)) {
      throw new IllegalArgumentException(String.format(
          "Quantile calibration needs 0 < lower < 0.5 < upper < 1; lower=%s, upper=%s", lowerQuantile, upperQuantile));
    }
  }

  /** Min/max calibration at the given width. */
  public static ScalarParams minMax(int bits) {
    return new ScalarParams(bits, Calibration.MIN_MAX, 0, 1);
  }

  /** Quantile calibration clipping {@code tail} of the mass at each end (e.g. 0.001 for 0.1%/99.9%). */
  public static ScalarParams quantile(int bits, double tail) {
    return new ScalarParams(bits, Calibration.QUANTILE, tail, 1 - tail);
  }

  /** The defaults, chosen by measured recall (docs/quantizers.md): min/max at 8 bits, quantiles below. */
  public static ScalarParams defaults(int bits) {
    return bits == 8 ? minMax(8) : quantile(bits, bits == 4 ? 0.001 : 0.01);
  }
}
