package io.quantpipe.drift;

/**
 * When a window of streamed vectors counts as drifted from its version's {@link DriftBaseline}.
 *
 * @param errorRatio the window's mean relative error over the baseline's above which it drifted
 *     (1.5: half as much error again as at training time)
 * @param occupancyPsi the population stability index of partition occupancy above which it drifted;
 *     by the usual reading, below 0.1 is stable, 0.1 to 0.25 a moderate shift, above 0.25 a major one
 * @param minCount windows with fewer vectors are not judged
 *
 * <p>Immutable; serializable so streaming operators can carry it.
 */
public record DriftThresholds(double errorRatio, double occupancyPsi, long minCount) implements java.io.Serializable {
  public DriftThresholds {
    if (!(errorRatio > 1) || !(occupancyPsi > 0) || minCount < 1) {
      throw new IllegalArgumentException(String.format(
          "drift thresholds: error ratio %s must be > 1, occupancy PSI %s > 0, min count %d ≥ 1", errorRatio,
          occupancyPsi, minCount));
    }
  }
}
