package io.quantpipe.drift;

/**
 * The figures of a window of encoded vectors: count, summed relative reconstruction error and
 * vectors per coarse partition; judged against a {@link DriftBaseline} by {@link #report}.
 * Mergeable. Not thread-safe.
 */
public final class DriftWindow {
  /** Smoothing for empty partitions in the PSI, as a fraction: keeps the logarithm finite. */
  private static final double EPSILON = 1e-4;
  private final long[] occupancy;
  private long count;
  private double errorSum;

  /** An empty window over {@code partitions} coarse partitions. */
  public DriftWindow(int partitions) {
    this.occupancy = new long[partitions];
  }

  /** Adds one vector: its coarse partition and relative reconstruction error. */
  public void add(int partition, double relativeError) {
    occupancy[partition]++;
    errorSum += relativeError;
    count++;
  }

  /** Adds another window's figures (same partitions). */
  public void merge(DriftWindow other) {
    for (int p = 0; p < occupancy.length; p++) {
      occupancy[p] += other.occupancy[p];
    }
    errorSum += other.errorSum;
    count += other.count;
  }

  public long count() {
    return count;
  }

  /**
   * Population stability index of this window's occupancy against {@code baseline}'s:
   * {@code Σ (w - b) ln(w / b)} over partitions, with fractions {@code w}, {@code b} smoothed by
   * {@value #EPSILON}.
   */
  public double occupancyPsi(long[] baseline) {
    long baseTotal = 0;
    for (long b : baseline) {
      baseTotal += b;
    }
    double psi = 0;
    for (int p = 0; p < occupancy.length; p++) {
      double w = Math.max(EPSILON, (double) occupancy[p] / Math.max(1, count));
      double b = Math.max(EPSILON, p < baseline.length ? (double) baseline[p] / Math.max(1, baseTotal) : 0);
      psi += (w - b) * Math.log(w / b);
    }
    return psi;
  }

  /** This window judged against {@code baseline}; not drifted below {@code thresholds.minCount()} vectors. */
  public DriftReport report(int codebookVersion, DriftBaseline baseline, DriftThresholds thresholds) {
    double mean = count == 0 ? Double.NaN : errorSum / count;
    double ratio = baseline.meanRelativeError() > 0 ? mean / baseline.meanRelativeError() : Double.NaN;
    double psi = occupancyPsi(baseline.occupancy());
    StringBuilder reason = new StringBuilder();
    if (count >= thresholds.minCount()) {
      if (ratio > thresholds.errorRatio()) {
        reason.append(String.format(java.util.Locale.ROOT, "error ratio %.3f > %.3f", ratio, thresholds.errorRatio()));
      }
      if (psi > thresholds.occupancyPsi()) {
        reason.append(reason.length() == 0 ? "" : "; ")
            .append(String.format(java.util.Locale.ROOT, "occupancy PSI %.3f > %.3f", psi, thresholds.occupancyPsi()));
      }
    }
    return new DriftReport(codebookVersion, count, mean, baseline.meanRelativeError(), ratio, psi,
        reason.length() > 0, reason.toString());
  }
}
