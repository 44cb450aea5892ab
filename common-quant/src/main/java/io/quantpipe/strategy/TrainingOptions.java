package io.quantpipe.strategy;

import io.quantpipe.quant.pq.PqParams;

/**
 * How quantizers are trained, shared by every strategy of one run.
 *
 * @param seed seeds every sample and initialisation
 * @param pqM PQ subspaces, or 0 for {@link PqParams#defaultM}
 * @param pqIterations Lloyd iterations for PQ
 * @param pqTrainSamples PQ training sample size (the whole corpus when it is smaller)
 * @param calibrationSamples scalar quantile calibration sample size
 * @param rotateBinary whether {@code bq-asym} applies a random orthogonal rotation before taking signs
 * @param threads threads for training and encoding
 */
public record TrainingOptions(long seed, int pqM, int pqIterations, int pqTrainSamples, int calibrationSamples,
                              boolean rotateBinary, int threads) {
  public static final long DEFAULT_SEED = 42;
  public static final int DEFAULT_PQ_TRAIN_SAMPLES = 50_000;
  public static final int DEFAULT_CALIBRATION_SAMPLES = 10_000;

  public TrainingOptions {
    if (pqM < 0) {
      throw new IllegalArgumentException("--pq-m must be positive (or 0 for d/8); got " + pqM);
    }
    if (pqTrainSamples <= 0) {
      throw new IllegalArgumentException("--train-samples must be positive; got " + pqTrainSamples);
    }
    if (calibrationSamples <= 0) {
      throw new IllegalArgumentException("calibration samples must be positive; got " + calibrationSamples);
    }
    if (threads <= 0) {
      throw new IllegalArgumentException("--threads must be positive; got " + threads);
    }
  }

  /** The M to use for dimension {@code dim}. */
  public int pqM(int dim) {
    return pqM == 0 ? PqParams.defaultM(dim) : pqM;
  }
}
