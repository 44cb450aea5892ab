package io.quantpipe.drift;

import io.quantpipe.quant.Quantizer;
import io.quantpipe.vector.FloatVectors;

/**
 * What a published version looked like when it was trained, for drift checks on the vectors that
 * stream in afterwards: the mean relative reconstruction error of its quantizer and the number of
 * vectors in each coarse partition.
 *
 * <p>The relative error of a vector is {@code ||x - decode(encode(x))||² / ||x||²} on the vector as
 * the quantizer prepares it (normalised for cosine): scale-free, so one threshold fits every corpus.
 * Immutable.
 *
 * @param meanRelativeError the mean relative error over the training sample, or {@code NaN} when
 *     unknown (float32, or a version published without it)
 * @param occupancy vectors per coarse partition in the batch build
 */
public record DriftBaseline(double meanRelativeError, long[] occupancy) {
  /** The relative reconstruction error of one vector and its code; 0 without a quantizer. */
  public static double relativeError(Quantizer quantizer, float[] vector, byte[] code) {
    if (quantizer == null) {
      return 0;
    }
    float[] x = quantizer.similarity().prepare(vector);
    float[] y = quantizer.decode(code, 0);
    double err = 0;
    double norm = 0;
    for (int i = 0; i < x.length; i++) {
      double d = (double) x[i] - y[i];
      err += d * d;
      norm += (double) x[i] * x[i];
    }
    return norm == 0 ? 0 : err / norm;
  }

  /** The mean relative error of {@code quantizer} over {@code sample}; {@code NaN} without a quantizer. */
  public static double meanRelativeError(Quantizer quantizer, FloatVectors sample) {
    if (quantizer == null || sample.count() == 0) {
      return Double.NaN;
    }
    byte[] code = new byte[quantizer.codeBytes()];
    double sum = 0;
    for (int i = 0; i < sample.count(); i++) {
      float[] v = sample.get(i);
      quantizer.encode(v, code, 0);
      sum += relativeError(quantizer, v, code);
    }
    return sum / sample.count();
  }
}
