package io.quantpipe.quant.rabitq;

import io.quantpipe.quant.CodeScorer;
import io.quantpipe.quant.fastscan.FastScanLut;
import io.quantpipe.vector.VectorUtil;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Scores {@link RaBitQuantizer} codes against one query, in two precisions that share their first
 * step (RaBitQ's incremental scoring):
 * <ul>
 *   <li>{@link #signSum}: {@code Σ_{s_i = 1} y_i} over the sign bits, {@code y = P(q − μ)}, read from
 *       a table of 256 partial sums per code byte ({@code d/8} lookups, as bq-asym);
 *   <li>{@link #oneBitScore} and {@link #oneBitBound}: the 1-bit estimate from the signs alone and
 *       the half-width of its error bound;
 *   <li>{@link #score(byte[], int, float)} and {@link #bound}: the full B-bit estimate, which adds
 *       one table-lookup sum per extra bit-plane, and its bound.
 * </ul>
 * Scores are "higher is better": the negated squared distance for l2, the inner product for ip and
 * cosine. The estimators are unbiased, and the true score lies within {@code estimate ± bound}
 * where {@code bound = ε·f_error·‖q − μ‖}. The bound's derivation treats the estimator's error as
 * Gaussian with standard deviation {@code f_error·‖q − μ‖}, so the published {@code ε0 = 1.9}
 * ({@link #PUBLISHED_EPSILON}) covers about 94% of pairs (a 1.9σ interval), measured on siftsmall
 * and minilm-384 at 94–96%; the default {@link #DEFAULT_EPSILON} = 2.6 covers 99.1–99.5% there
 * (RaBitQEstimatorTest). {@link #score(byte[], int)} is the full estimate.
 *
 * <p>One query, one thread; cheap to make (one rotation and one table per query).
 */
public final class RaBitQueryScorer implements CodeScorer {
  /** The published confidence multiple ε0 of the error bound (Gao &amp; Long, SIGMOD 2024). */
  public static final float PUBLISHED_EPSILON = 1.9f;
  /** The multiple that covers at least 99% of pairs on real data (a 2.6σ interval). */
  public static final float DEFAULT_EPSILON = 2.6f;
  private static final VarHandle FLOAT = MethodHandles.byteArrayViewVarHandle(float[].class, ByteOrder.LITTLE_ENDIAN);

  private final int bits;
  private final int planeBytes;
  private final int factors;
  private final float[] table;
  private final float sumY;
  private final float queryConst;
  private final float boundScale;

  RaBitQueryScorer(RaBitQuantizer quantizer, float[] preparedQuery, float epsilon) {
    if (!(epsilon >= 0 && Float.isFinite(epsilon))) {
      throw new IllegalArgumentException("The error bound's multiple must be finite and not negative; epsilon=" + epsilon);
    }
    int d = quantizer.dimension();
    float[] mean = quantizer.mean();
    this.bits = quantizer.bits();
    this.planeBytes = quantizer.planeBytes();
    this.factors = quantizer.factorOffset();
    float[] y = new float[d];
    double centredSq = 0;
    double meanDot = 0;
    for (int i = 0; i < d; i++) {
      y[i] = preparedQuery[i] - mean[i];
      centredSq += (double) y[i] * y[i];
      meanDot += (double) mean[i] * preparedQuery[i];
    }
    quantizer.rotation().apply(y, y);
    this.queryConst = (float) (quantizer.euclidean() ? -centredSq : meanDot);
    this.boundScale = (float) (epsilon * Math.sqrt(centredSq));
    this.table = new float[planeBytes * 256];
    float total = 0;
    for (int b = 0; b < planeBytes; b++) {
      int base = b * 256;
      for (int v = 1; v < 256; v++) { // the sum over v's set bits, one addition per entry
        int dim = 8 * b + Integer.numberOfTrailingZeros(v);
        table[base + v] = table[base + (v & (v - 1))] + (dim < d ? y[dim] : 0f);
      }
    }
    for (float yi : y) {
      total += yi;
    }
    this.sumY = total;
  }

  /** {@code Σ_{s_i = 1} y_i}: the sign bits' part of both estimates. */
  public float signSum(byte[] codes, int offset) {
    return VectorUtil.lookupSum(table, codes, offset, planeBytes);
  }

  /**
   * The sign sums of four dimensions per nibble, byte-quantized for the fast-scan 1-bit pass
   * ({@link RaBitQSignBlocks}): entry {@code 16j + c} is the sum of {@code y} over the dimensions
   * {@code 4j + t} with bit {@code t} set in {@code c}, taken from this scorer's byte table.
   */
  public FastScanLut signLut() {
    float[] nibbles = new float[32 * planeBytes];
    for (int b = 0; b < planeBytes; b++) {
      for (int c = 0; c < 16; c++) {
        nibbles[32 * b + c] = table[256 * b + c]; // low nibble: dimensions 8b … 8b + 3
        nibbles[32 * b + 16 + c] = table[256 * b + (c << 4)];
      }
    }
    return FastScanLut.quantize(nibbles, false);
  }

  /** {@code Σ y_i}, the sum over every dimension. */
  float sumY() {
    return sumY;
  }

  /** The query's constant term of every estimate: {@code −‖q − μ‖²} (l2) or {@code ⟨μ, q⟩}. */
  float queryConst() {
    return queryConst;
  }

  /** {@code ε·‖q − μ‖}: a bound's factor per unit of a code's {@code f_error}. */
  float boundScale() {
    return boundScale;
  }

  /** The 1-bit estimate of the score, from the sign bits and {@code signSum}. */
  public float oneBitScore(byte[] codes, int offset, float signSum) {
    int f = offset + factors + (bits == 1 ? 4 : 12);
    return (float) FLOAT.get(codes, offset + factors) + queryConst + (float) FLOAT.get(codes, f) * (signSum - 0.5f * sumY);
  }

  /** Half-width of the 1-bit estimate's error bound, in score units: lower = estimate − bound. */
  public float oneBitBound(byte[] codes, int offset) {
    return boundScale * (float) FLOAT.get(codes, offset + factors + (bits == 1 ? 8 : 16));
  }

  /** The full B-bit estimate of the score, given the code's {@link #signSum}. */
  public float score(byte[] codes, int offset, float signSum) {
    float extra = 0;
    for (int j = 0; j < bits - 1; j++) {
      extra += (1 << j) * VectorUtil.lookupSum(table, codes, offset + (1 + j) * planeBytes, planeBytes);
    }
    float ip = (1 << (bits - 1)) * signSum + extra - ((1 << bits) - 1) * 0.5f * sumY; // ⟨ȳ, y⟩
    return (float) FLOAT.get(codes, offset + factors) + queryConst + (float) FLOAT.get(codes, offset + factors + 4) * ip;
  }

  /** Half-width of the full estimate's error bound, in score units. */
  public float bound(byte[] codes, int offset) {
    return boundScale * (float) FLOAT.get(codes, offset + factors + 8);
  }

  /** The full B-bit estimate. */
  @Override
  public float score(byte[] codes, int offset) {
    return score(codes, offset, signSum(codes, offset));
  }
}
