package io.quantpipe.drift;

import java.util.Locale;

/**
 * One window's drift figures against its version's baseline: the event the drift topic carries
 * and the retrain DAG consumes.
 *
 * @param codebookVersion the version whose codebooks encoded the window
 * @param count vectors in the window
 * @param meanRelativeError the window's mean relative reconstruction error
 * @param baselineError the baseline's ({@code NaN} when unknown)
 * @param errorRatio {@code meanRelativeError / baselineError} ({@code NaN} when unknown)
 * @param occupancyPsi population stability index of the window's partition occupancy against the
 *     baseline's
 * @param drifted whether a threshold was passed
 * @param reason which thresholds were passed, or {@code ""}
 */
public record DriftReport(int codebookVersion, long count, double meanRelativeError, double baselineError,
    double errorRatio, double occupancyPsi, boolean drifted, String reason) {
  /** The report as one JSON object. */
  public String toJson() {
    return String.format(Locale.ROOT, "{\"event\":\"quantization_drift\",\"codebook_version\":%d,\"count\":%d,"
        + "\"mean_relative_error\":%s,\"baseline_error\":%s,\"error_ratio\":%s,\"occupancy_psi\":%s,"
        + "\"drifted\":%b,\"reason\":\"%s\"}", codebookVersion, count, num(meanRelativeError), num(baselineError),
        num(errorRatio), num(occupancyPsi), drifted, reason);
  }

  private static String num(double x) {
    return Double.isFinite(x) ? String.format(Locale.ROOT, "%.6g", x) : "null";
  }
}
