package io.quantpipe.quant.scalar;

import io.quantpipe.quant.CodeScorer;
import io.quantpipe.quant.Quantizer;
import io.quantpipe.quant.QuantizerKind;
import io.quantpipe.stats.CorpusStatistics;
import io.quantpipe.vector.FloatVectors;
import io.quantpipe.vector.Similarity;
import io.quantpipe.vector.VectorUtil;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Uniform per-dimension scalar quantization to {@code b ∈ {8, 4, 2}} bits.
 *
 * <p>Dimension {@code j} has a calibrated range {@code [lo_j, hi_j]} split into {@code L = 2^b}
 * equal cells of width {@code w_j = (hi_j − lo_j) / L}. A value is coded as its cell,
 * {@code c = clamp(floor((x − lo_j) / w_j), 0, L − 1)}, and stands for the cell centre
 * {@code x̂ = o_j + w_j·c} with {@code o_j = lo_j + w_j/2} (the same cells as FAISS's
 * {@code QT_8bit}/{@code QT_4bit} with min/max training).
 *
 * <p>Scoring is asymmetric and never decodes a stored vector: the per-dimension scales are folded
 * into the query once, then one dot product runs over the integer codes.
 * <ul>
 *   <li>inner product: {@code q·x̂ = Σ q_j·o_j + Σ (q_j·w_j)·c_j} (a per-query constant plus a
 *       float × integer dot product);
 *   <li>L2: with {@code q' = q − o}, {@code ‖q − x̂‖² = ‖q'‖² − 2·Σ (q'_j·w_j)·c_j + Σ w_j²·c_j²}; the
 *       last term depends only on the code and is stored with it as a float (4 bytes).
 * </ul>
 * This gives exactly the ranking of search over the reconstructed vectors, at every bit width, so it
 * is used for all three (Lucene's symmetric scoring also quantizes the query, which only loses
 * recall in plain Java loops; see docs/quantizers.md).
 *
 * <p>Code layout: {@code ceil(d·b/8)} bytes of codes, dimension {@code i} in byte {@code i·b/8} from
 * the low bits up, then (L2 only) the correction as a little-endian float. Immutable, thread-safe.
 */
public final class ScalarQuantizer implements Quantizer {
  private static final VarHandle FLOAT = MethodHandles.byteArrayViewVarHandle(float[].class, ByteOrder.LITTLE_ENDIAN);

  private final Similarity similarity;
  private final int bits;
  private final float[] lower;
  private final float[] width;
  private final float[] centre0;
  private final float[] invWidth;
  private final int packedBytes;

  /**
   * Makes a quantizer from calibrated ranges.
   *
   * @param lower per-dimension range start
   * @param width per-dimension cell width (range / 2^bits); 0 for a constant dimension
   */
  public ScalarQuantizer(Similarity similarity, int bits, float[] lower, float[] width) {
    new ScalarParams(bits, ScalarParams.Calibration.MIN_MAX, 0, 1); // validates bits
    if (lower.length != width.length || lower.length == 0) {
      throw new IllegalArgumentException("Scalar calibration needs equal, non-empty lower and width arrays; got "
          + lower.length + " and " + width.length);
    }
    this.similarity = similarity;
    this.bits = bits;
    this.lower = lower.clone();
    this.width = width.clone();
    this.centre0 = new float[lower.length];
    this.invWidth = new float[lower.length];
    for (int j = 0; j < lower.length; j++) {
      if (!(width[j] >= 0) || !Float.isFinite(width[j]) || !Float.isFinite(lower[j])) {
        throw new IllegalArgumentException("Invalid scalar calibration at dimension " + j + ": lower=" + lower[j] + ", width=" + width[j]);
      }
      centre0[j] = lower[j] + 0.5f * width[j];
      invWidth[j] = width[j] == 0 ? 0f : 1f / width[j];
    }
    this.packedBytes = (lower.length * bits + 7) / 8;
  }

  /**
   * Calibrates from corpus statistics of prepared vectors (normalised for cosine): min/max from
   * the statistics, quantiles from their training sample.
   */
  public static ScalarQuantizer train(CorpusStatistics stats, Similarity similarity, ScalarParams params) {
    float[] lo;
    float[] hi;
    if (params.calibration() == ScalarParams.Calibration.MIN_MAX) {
      lo = stats.min();
      hi = stats.max();
    } else {
      FloatVectors sample = stats.sample().vectors();
      lo = new float[stats.dim()];
      hi = new float[stats.dim()];
      float[] column = new float[sample.count()];
      for (int j = 0; j < stats.dim(); j++) {
        for (int i = 0; i < column.length; i++) {
          column[i] = sample.data()[sample.offset(i) + j];
        }
        Arrays.sort(column);
        lo[j] = quantile(column, params.lowerQuantile());
        hi[j] = quantile(column, params.upperQuantile());
      }
    }
    int levels = 1 << params.bits();
    float[] width = new float[lo.length];
    for (int j = 0; j < lo.length; j++) {
      width[j] = (hi[j] - lo[j]) / levels;
    }
    return new ScalarQuantizer(similarity, params.bits(), lo, width);
  }

  /** Calibrates on a batch (all of it, or a {@code sampleSize} sample for quantiles). */
  public static ScalarQuantizer train(FloatVectors vectors, Similarity similarity, ScalarParams params,
                                      int sampleSize, long seed) {
    return train(CorpusStatistics.of(vectors.prepared(similarity), sampleSize, seed), similarity, params);
  }

  /** Linear interpolation between order statistics (type 7) of a sorted column. */
  static float quantile(float[] sorted, double p) {
    double h = (sorted.length - 1) * p;
    int i = (int) Math.floor(h);
    if (i + 1 >= sorted.length) {
      return sorted[sorted.length - 1];
    }
    return (float) (sorted[i] + (h - i) * ((double) sorted[i + 1] - sorted[i]));
  }

  @Override
  public QuantizerKind kind() {
    return QuantizerKind.SCALAR;
  }

  @Override
  public int dimension() {
    return lower.length;
  }

  @Override
  public Similarity similarity() {
    return similarity;
  }

  public int bits() {
    return bits;
  }

  /** Per-dimension range start (a copy). */
  public float[] lower() {
    return lower.clone();
  }

  /** Per-dimension cell width (a copy). */
  public float[] width() {
    return width.clone();
  }

  @Override
  public int codeBytes() {
    return packedBytes + (similarity.kernel() == Similarity.EUCLIDEAN ? 4 : 0);
  }

  @Override
  public void encode(float[] vector, byte[] dst, int off) {
    float[] v = prepareForEncoding(vector);
    int levels = (1 << bits) - 1;
    float correction = 0;
    if (bits == 8) {
      for (int j = 0; j < v.length; j++) {
        int c = cell(v[j], j, levels);
        dst[off + j] = (byte) c;
        float wc = width[j] * c;
        correction += wc * wc;
      }
    } else {
      Arrays.fill(dst, off, off + packedBytes, (byte) 0);
      for (int j = 0; j < v.length; j++) {
        int c = cell(v[j], j, levels);
        int bit = j * bits;
        dst[off + (bit >> 3)] |= (byte) (c << (bit & 7));
        float wc = width[j] * c;
        correction += wc * wc;
      }
    }
    if (similarity.kernel() == Similarity.EUCLIDEAN) {
      FLOAT.set(dst, off + packedBytes, correction);
    }
  }

  /**
   * {@code clamp(floor((x − lo_j) / w_j), 0, levels)}. Truncation toward zero equals floor for
   * every cell that survives the clamp (negative ratios clamp to 0 either way), and is much
   * cheaper than {@link Math#floor}.
   */
  private int cell(float x, int j, int levels) {
    int c = (int) ((x - lower[j]) * invWidth[j]);
    return Math.max(0, Math.min(levels, c));
  }

  @Override
  public CodeScorer scorer(float[] query) {
    checkDimension(query.length);
    float[] q = similarity.prepare(query);
    int d = q.length;
    float[] scaled = new float[d];
    if (similarity.kernel() == Similarity.EUCLIDEAN) {
      float qNorm = 0;
      for (int j = 0; j < d; j++) {
        float shifted = q[j] - centre0[j];
        qNorm += shifted * shifted;
        scaled[j] = -2f * shifted * width[j];
      }
      float base = qNorm;
      float[] kernelQuery = kernelQuery(scaled);
      return (codes, off) -> -(base + dot(kernelQuery, codes, off, d) + (float) FLOAT.get(codes, off + packedBytes));
    }
    float constant = 0;
    for (int j = 0; j < d; j++) {
      constant += q[j] * centre0[j];
      scaled[j] = q[j] * width[j];
    }
    float base = constant;
    float[] kernelQuery = kernelQuery(scaled);
    return (codes, off) -> base + dot(kernelQuery, codes, off, d);
  }

  /** The scaled query in the layout its kernel reads: nibble-split for 4 bits. */
  private float[] kernelQuery(float[] scaled) {
    return bits == 4 ? VectorUtil.splitNibbleQuery(scaled) : scaled;
  }

  private float dot(float[] query, byte[] codes, int off, int d) {
    switch (bits) {
      case 8:
        return VectorUtil.dotUnsignedBytes(query, codes, off, d);
      case 4:
        return VectorUtil.dotNibbles(query, codes, off, d);
      default:
        return VectorUtil.dotPacked(query, codes, off, d, bits);
    }
  }

  @Override
  public float[] decode(byte[] codes, int off) {
    float[] v = new float[lower.length];
    int mask = (1 << bits) - 1;
    for (int j = 0; j < v.length; j++) {
      int bit = j * bits;
      int c = (codes[off + (bit >> 3)] >> (bit & 7)) & mask;
      v[j] = centre0[j] + width[j] * c;
    }
    return v;
  }

  @Override
  public String describe() {
    return "sq" + bits + " (" + similarity.cliName() + ", d=" + lower.length + ")";
  }
}
