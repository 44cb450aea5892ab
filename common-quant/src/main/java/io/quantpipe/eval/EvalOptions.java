package io.quantpipe.eval;

import io.quantpipe.strategy.TrainingOptions;
import io.quantpipe.vector.Similarity;

/**
 * How an evaluation runs.
 *
 * @param similarity the metric
 * @param k results per query
 * @param oversample candidate multiple of k for hybrid strategies
 * @param candidates fixed candidate count for hybrids (0: use oversample)
 * @param repeat timed query passes; the fastest is reported, as reference_ann.py does
 * @param training how quantizers are trained
 */
public record EvalOptions(Similarity similarity, int k, int oversample, int candidates, int repeat, TrainingOptions training) {
  public EvalOptions {
    if (k <= 0) {
      throw new IllegalArgumentException("--k must be positive; got " + k);
    }
    if (oversample < 1) {
      throw new IllegalArgumentException("--oversample must be at least 1; got " + oversample);
    }
    if (candidates < 0) {
      throw new IllegalArgumentException("--candidates must not be negative; got " + candidates);
    }
    if (repeat < 1) {
      throw new IllegalArgumentException("--repeat must be at least 1; got " + repeat);
    }
  }
}
