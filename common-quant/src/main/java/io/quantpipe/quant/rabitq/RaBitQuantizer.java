package io.quantpipe.quant.rabitq;

import io.quantpipe.quant.Quantizer;
import io.quantpipe.quant.QuantizerKind;
import io.quantpipe.stats.CorpusStatistics;
import io.quantpipe.vector.FloatVectors;
import io.quantpipe.vector.Similarity;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * {@code rabitq-B}: multi-bit RaBitQ (Extended RaBitQ, Gao &amp; Long, SIGMOD 2025, arXiv 2409.09913;
 * one bit: RaBitQ, SIGMOD 2024). B ∈ [1, 8] bits per dimension of the centred, rotated, normalised
 * vector, plus three (B = 1) or five floats of per-vector factors, scored against the float query by
 * an unbiased estimator with an error bound ({@link RaBitQueryScorer}).
 *
 * <p>Encoding {@code x} (prepared: normalised for cosine): {@code r = x − μ} (μ the exact corpus
 * mean), {@code o = P·r/‖r‖} ({@link HadamardRotation}). Per dimension a sign bit
 * {@code s_i = [o_i > 0]} and B − 1 extra bits {@code e_i = min(⌊t·|o_i|⌋, 2^(B−1) − 1)}; the code
 * stands for {@code ȳ_i = ±(e_i + 1/2)}, the grid point {@code u_i − (2^B − 1)/2}. The scale t is
 * per vector ({@link RaBitQParams.ScaleSearch#EXACT}) or one trained constant
 * ({@link RaBitQParams.ScaleSearch#FIXED}), see {@link GridScale}.
 *
 * <p>Code layout ({@code w = ⌈d/8⌉} bytes per bit-plane; dimension i at byte i/8, bit i%8, as in
 * bq-asym):
 * <pre>
 * [0, w)                 sign bits s_i (1 = positive)
 * [w·(1+j), w·(2+j))     bit-plane j (j = 0 … B−2, least significant first) of e'_i, where
 *                        e'_i = e_i for a positive sign and 2^(B−1) − 1 − e_i for a negative one,
 *                        so u_i = 2^(B−1)·s_i + e'_i and ⟨ȳ, y⟩ = 2^(B−1)·Σ_{s_i=1} y_i + Σ e'_i·y_i
 *                        − (2^B − 1)/2·Σ y_i: every plane is one table-lookup sum, like the signs
 * [B·w, B·w + 4)         float32 f_add      l2: −‖r‖²;  ip: ⟨r, μ⟩
 * [B·w + 4, +8)          float32 f_rescale  m·‖r‖/⟨ȳ, o⟩ (m = 2 for l2, 1 for ip)
 * [B·w + 8, +12)         float32 f_error    m·‖r‖·√((1 − c²)/(c²·(d − 1))), c = ⟨ȳ/‖ȳ‖, o⟩
 * only when B &gt; 1, the same for the 1-bit code ȳ¹ = s/2 (sign bits alone), for the bound pass:
 * [B·w + 12, +16)        float32 f_rescale1 m·‖r‖/⟨ȳ¹, o⟩
 * [B·w + 16, +20)        float32 f_error1
 * </pre>
 * Then with {@code y = P(q − μ)} the score (higher is better) is {@code f_add + c_q + f_rescale·⟨ȳ,
 * y⟩} with {@code c_q = −‖q − μ‖²} for l2 (so the score is the negated squared distance) and
 * {@code ⟨μ, q⟩} for ip, since {@code ⟨x, q⟩ = ⟨μ, q⟩ + ⟨r, μ⟩ + ⟨r, q − μ⟩}: centring the query
 * too shrinks the estimated term, and its error, by {@code ‖q − μ‖/‖q‖}.
 *
 * <p>Encoding uses only Java double/float arithmetic in a fixed order and {@code Math.sqrt}
 * (correctly rounded), so the same model gives the same bytes on every JVM. Immutable and
 * thread-safe.
 */
public final class RaBitQuantizer implements Quantizer {
  private static final VarHandle FLOAT = MethodHandles.byteArrayViewVarHandle(float[].class, ByteOrder.LITTLE_ENDIAN);

  private final Similarity similarity;
  private final float[] mean;
  private final HadamardRotation rotation;
  private final int bits;
  private final RaBitQParams.ScaleSearch scaleSearch;
  private final double fixedScale;
  private final int planeBytes;
  private final int top;

  /**
   * @param fixedScale the trained scale t for {@link RaBitQParams.ScaleSearch#FIXED} (0 otherwise,
   *     and at one bit)
   */
  public RaBitQuantizer(Similarity similarity, float[] mean, HadamardRotation rotation, int bits,
                        RaBitQParams.ScaleSearch scaleSearch, float fixedScale) {
    if (bits < 1 || bits > 8) {
      throw new IllegalArgumentException("RaBitQ supports 1 to 8 bits per dimension; bits=" + bits);
    }
    if (rotation.dimension() != mean.length) {
      throw new IllegalArgumentException(String.format(
          "RaBitQ rotation of dimension %d does not match the mean's dimension %d", rotation.dimension(), mean.length));
    }
    boolean needsScale = scaleSearch == RaBitQParams.ScaleSearch.FIXED && bits > 1;
    if (needsScale ? !(fixedScale > 0 && Float.isFinite(fixedScale)) : fixedScale != 0) {
      throw new IllegalArgumentException(String.format(
          "RaBitQ fixed scale must be positive for the fixed search above one bit and 0 otherwise; "
              + "scale=%s, search=%s, bits=%d", fixedScale, scaleSearch.label(), bits));
    }
    this.similarity = similarity;
    this.mean = mean.clone();
    this.rotation = rotation;
    this.bits = bits;
    this.scaleSearch = scaleSearch;
    this.fixedScale = fixedScale;
    this.planeBytes = (mean.length + 7) / 8;
    this.top = (1 << (bits - 1)) - 1;
  }

  /**
   * Trains from statistics of prepared vectors: the exact mean, the rotation's flips from the seed,
   * and for the fixed scale search its constant (RaBitQ-Library's, from Gaussian directions).
   */
  public static RaBitQuantizer train(CorpusStatistics stats, Similarity similarity, RaBitQParams params) {
    int d = stats.dim();
    HadamardRotation rotation = HadamardRotation.generate(d, params.rounds(), params.seed());
    boolean fixed = params.scaleSearch() == RaBitQParams.ScaleSearch.FIXED && params.bits() > 1;
    float scale = fixed ? (float) GridScale.fixed(d, (1 << (params.bits() - 1)) - 1, params.seed()) : 0f;
    return new RaBitQuantizer(similarity, stats.mean(), rotation, params.bits(), params.scaleSearch(), scale);
  }

  /** Trains on a whole batch (the statistics of its prepared vectors). */
  public static RaBitQuantizer train(FloatVectors vectors, Similarity similarity, RaBitQParams params) {
    return train(CorpusStatistics.of(vectors.prepared(similarity), 1, params.seed()), similarity, params);
  }

  @Override
  public QuantizerKind kind() {
    return QuantizerKind.RABITQ;
  }

  @Override
  public int dimension() {
    return mean.length;
  }

  @Override
  public Similarity similarity() {
    return similarity;
  }

  public int bits() {
    return bits;
  }

  public RaBitQParams.ScaleSearch scaleSearch() {
    return scaleSearch;
  }

  /** The trained scale of the fixed search, 0 for the exact one. */
  public float fixedScale() {
    return (float) fixedScale;
  }

  public float[] mean() {
    return mean.clone();
  }

  public HadamardRotation rotation() {
    return rotation;
  }

  /** Bytes of one bit-plane, {@code ⌈d/8⌉}. */
  int planeBytes() {
    return planeBytes;
  }

  /** Offset of the factors within a code. */
  int factorOffset() {
    return bits * planeBytes;
  }

  boolean euclidean() {
    return similarity.kernel() == Similarity.EUCLIDEAN;
  }

  @Override
  public int codeBytes() {
    return bits * planeBytes + 4 * (bits == 1 ? 3 : 5);
  }

  @Override
  public void encode(float[] vector, byte[] dst, int off) {
    float[] v = prepareForEncoding(vector);
    int d = mean.length;
    float[] r = new float[d];
    double sq = 0;
    double dotMean = 0;
    for (int i = 0; i < d; i++) {
      r[i] = v[i] - mean[i];
      sq += (double) r[i] * r[i];
      dotMean += (double) r[i] * mean[i];
    }
    rotation.apply(r, r);
    double norm = Math.sqrt(sq);
    double m = euclidean() ? 2 : 1;
    int f = off + factorOffset();
    FLOAT.set(dst, f, (float) (euclidean() ? -sq : dotMean));
    if (norm == 0) { // x = μ: the factors make the estimate the exact f_add + c_q
      Arrays.fill(dst, off, off + bits * planeBytes, (byte) 0);
      for (int k = 4; k < codeBytes() - factorOffset(); k += 4) {
        FLOAT.set(dst, f + k, 0f);
      }
      return;
    }
    double[] absO = new double[d];
    double inv = 1 / norm;
    double l1 = 0;
    for (int i = 0; i < d; i++) {
      absO[i] = Math.abs(r[i]) * inv;
      l1 += absO[i];
    }
    double half = 0.5 * l1; // ⟨ȳ¹, o⟩ with ȳ¹ = s/2
    double yo = half;
    double yy = 0.25 * d;
    int[] e = null;
    if (bits > 1) {
      e = new int[d];
      double t = scaleSearch == RaBitQParams.ScaleSearch.EXACT ? GridScale.exact(absO, top) : fixedScale;
      GridScale.quantize(absO, t, top, e);
      yo = 0;
      yy = 0;
      for (int i = 0; i < d; i++) {
        double level = e[i] + 0.5;
        yo += level * absO[i];
        yy += level * level;
      }
      FLOAT.set(dst, f + 12, (float) (m * norm / half));
      FLOAT.set(dst, f + 16, (float) (m * norm * errorFactor(half / Math.sqrt(0.25 * d), d)));
    }
    writeBits(r, e, dst, off);
    FLOAT.set(dst, f + 4, (float) (m * norm / yo));
    FLOAT.set(dst, f + 8, (float) (m * norm * errorFactor(yo / Math.sqrt(yy), d)));
  }

  /**
   * Writes the sign bits and the bit-planes of {@code e'} eight dimensions at a time: the eight
   * stored values go into the bytes of one long, and plane j's byte gathers bit j of each with one
   * multiply (bit 8k moves to bit 56 + k; no two partial products overlap, so nothing carries).
   */
  private void writeBits(float[] r, int[] e, byte[] dst, int off) {
    int d = r.length;
    for (int g = 0; g < planeBytes; g++) {
      long packed = 0;
      int signs = 0;
      for (int k = 0; k < 8 && 8 * g + k < d; k++) {
        int i = 8 * g + k;
        boolean positive = r[i] > 0;
        signs |= positive ? 1 << k : 0;
        if (e != null) {
          packed |= (long) (positive ? e[i] : top - e[i]) << (8 * k);
        }
      }
      dst[off + g] = (byte) signs;
      for (int j = 0; j < bits - 1; j++) {
        dst[off + (1 + j) * planeBytes + g] = (byte) ((((packed >>> j) & 0x0101010101010101L) * 0x0102040810204080L) >>> 56);
      }
    }
  }

  /** {@code √((1 − c²)/(c²·(d − 1)))}: the bound of the estimator per unit of ‖r‖·‖q − μ‖, before ε0. */
  private static double errorFactor(double c, int d) {
    double c2 = Math.min(1, c * c);
    return Math.sqrt((1 - c2) / (c2 * Math.max(1, d - 1)));
  }

  /** A scorer whose bounds use {@link RaBitQueryScorer#DEFAULT_EPSILON}. */
  @Override
  public RaBitQueryScorer scorer(float[] query) {
    return scorer(query, RaBitQueryScorer.DEFAULT_EPSILON);
  }

  /** A scorer whose bounds are {@code epsilon} standard deviations of the estimator's error. */
  public RaBitQueryScorer scorer(float[] query, float epsilon) {
    checkDimension(query.length);
    return new RaBitQueryScorer(this, similarity.prepare(query), epsilon);
  }

  /**
   * The vector the estimator implicitly scores: {@code μ + Pᵀ(‖r‖·ȳ/⟨ȳ, o⟩)}, whose inner product
   * with a centred query is the estimate of {@code ⟨r, q − μ⟩}.
   */
  @Override
  public float[] decode(byte[] codes, int off) {
    int d = mean.length;
    float scale = (float) FLOAT.get(codes, off + factorOffset() + 4) / (euclidean() ? 2 : 1);
    float[] y = new float[d];
    for (int i = 0; i < d; i++) {
      int u = bit(codes, off, i) << (bits - 1);
      for (int j = 0; j < bits - 1; j++) {
        u |= bit(codes, off + (1 + j) * planeBytes, i) << j;
      }
      y[i] = scale * (u - ((1 << bits) - 1) / 2f);
    }
    float[] out = new float[d];
    rotation.applyTranspose(y, out);
    for (int i = 0; i < d; i++) {
      out[i] += mean[i];
    }
    return out;
  }

  private static int bit(byte[] codes, int off, int i) {
    return (codes[off + (i >> 3)] >> (i & 7)) & 1;
  }

  @Override
  public String describe() {
    return "rabitq-" + bits + " (" + similarity.cliName() + ", d=" + mean.length + ", fht-kac x" + rotation.rounds()
        + (bits > 1 ? ", " + scaleSearch.label() + " scale" : "") + ")";
  }
}
