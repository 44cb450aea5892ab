package io.quantpipe.quant.binary;

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

/**
 * {@code bq-asym}: one bit per dimension of the centred (optionally randomly rotated) vector, plus
 * per-vector corrections, scored against the full-precision query with a RaBitQ-style estimator
 * (Gao &amp; Long, SIGMOD 2024).
 *
 * <p>With {@code r = P(x − μ)} ({@code P} orthogonal, identity when not rotating) and
 * {@code s_i = sign(r_i)}, the estimate of {@code ⟨r, y⟩} for a query-side vector {@code y} is
 * {@code (‖r‖² / ‖r‖₁) · Σ s_i·y_i}: the projection of {@code y} on the sign vector, rescaled by
 * how well the signs align with {@code r} ({@code ⟨s, r⟩ = ‖r‖₁}). Then
 * <ul>
 *   <li>inner product: {@code ⟨x, q⟩ = ⟨r, Pq⟩ + ⟨μ, q⟩};
 *   <li>L2: {@code ‖x − q‖² = ‖r‖² + ‖q − μ‖² − 2⟨r, P(q − μ)⟩}.
 * </ul>
 * {@code Σ s_i·y_i = 2·Σ_{s_i > 0} y_i − Σ y_i}, and the first sum is read from a per-query table
 * of 256 partial sums per code byte, so scoring a code costs {@code d/8} table lookups, like PQ.
 *
 * <p>Code layout: {@code ceil(d/8)} bytes of sign bits (dimension {@code i} at byte {@code i/8},
 * bit {@code i%8}), then the little-endian float {@code ‖r‖²/‖r‖₁}, then for L2 the float
 * {@code ‖r‖²}. Immutable and thread-safe.
 */
public final class AsymmetricBinaryQuantizer implements Quantizer {
  private static final VarHandle FLOAT = MethodHandles.byteArrayViewVarHandle(float[].class, ByteOrder.LITTLE_ENDIAN);

  private final Similarity similarity;
  private final float[] mean;
  private final float[] rotation; // row-major d×d, or null for none
  private final int signBytes;

  public AsymmetricBinaryQuantizer(Similarity similarity, float[] mean, float[] rotation) {
    int d = mean.length;
    if (d == 0) {
      throw new IllegalArgumentException("Binary quantization needs a positive dimension");
    }
    if (rotation != null && rotation.length != d * d) {
      throw new IllegalArgumentException("Rotation must be " + d + "x" + d + "; got " + rotation.length + " values");
    }
    this.similarity = similarity;
    this.mean = mean.clone();
    this.rotation = rotation == null ? null : rotation.clone();
    this.signBytes = (d + 7) / 8;
  }

  /**
   * Trains from statistics of prepared vectors: the exact corpus mean, and when {@code rotate}, a
   * random orthogonal rotation drawn from {@code seed}.
   */
  public static AsymmetricBinaryQuantizer train(CorpusStatistics stats, Similarity similarity, boolean rotate, long seed) {
    float[] rot = rotate ? RandomRotation.generate(stats.dim(), seed) : null;
    return new AsymmetricBinaryQuantizer(similarity, stats.mean(), rot);
  }

  /** Trains on a whole batch. */
  public static AsymmetricBinaryQuantizer train(FloatVectors vectors, Similarity similarity, boolean rotate, long seed) {
    return train(CorpusStatistics.of(vectors.prepared(similarity), 1, seed), similarity, rotate, seed);
  }

  @Override
  public QuantizerKind kind() {
    return QuantizerKind.ASYMMETRIC_BINARY;
  }

  @Override
  public int dimension() {
    return mean.length;
  }

  @Override
  public Similarity similarity() {
    return similarity;
  }

  public float[] mean() {
    return mean.clone();
  }

  /** The rotation (a copy, row-major), or null when codes are taken unrotated. */
  public float[] rotation() {
    return rotation == null ? null : rotation.clone();
  }

  private boolean euclidean() {
    return similarity.kernel() == Similarity.EUCLIDEAN;
  }

  @Override
  public int codeBytes() {
    return signBytes + 4 + (euclidean() ? 4 : 0);
  }

  @Override
  public void encode(float[] vector, byte[] dst, int off) {
    float[] r = rotate(prepareForEncoding(vector), true);
    java.util.Arrays.fill(dst, off, off + signBytes, (byte) 0);
    double sq = 0;
    double abs = 0;
    for (int i = 0; i < r.length; i++) {
      if (r[i] > 0) {
        dst[off + (i >> 3)] |= (byte) (1 << (i & 7));
      }
      sq += (double) r[i] * r[i];
      abs += Math.abs(r[i]);
    }
    FLOAT.set(dst, off + signBytes, abs == 0 ? 0f : (float) (sq / abs));
    if (euclidean()) {
      FLOAT.set(dst, off + signBytes + 4, (float) sq);
    }
  }

  /** {@code P(v − μ)} when {@code centre}, else {@code Pv}. */
  private float[] rotate(float[] v, boolean centre) {
    int d = v.length;
    float[] c = new float[d];
    for (int i = 0; i < d; i++) {
      c[i] = centre ? v[i] - mean[i] : v[i];
    }
    if (rotation == null) {
      return c;
    }
    float[] out = new float[d];
    for (int i = 0; i < d; i++) {
      out[i] = VectorUtil.dot(rotation, i * d, c, 0, d);
    }
    return out;
  }

  @Override
  public CodeScorer scorer(float[] query) {
    checkDimension(query.length);
    float[] q = similarity.prepare(query);
    float[] y = rotate(q, euclidean());
    float[] table = new float[signBytes * 256];
    float total = 0;
    for (int b = 0; b < signBytes; b++) {
      int base = b * 256;
      for (int v = 1; v < 256; v++) { // sum over set bits, one addition per entry
        int low = Integer.numberOfTrailingZeros(v);
        int dim = 8 * b + low;
        table[base + v] = table[base + (v & (v - 1))] + (dim < y.length ? y[dim] : 0f);
      }
    }
    for (float yi : y) {
      total += yi;
    }
    float sumY = total;
    if (euclidean()) {
      float qc = 0;
      for (int i = 0; i < q.length; i++) {
        float t = q[i] - mean[i];
        qc += t * t;
      }
      float qNorm = qc;
      return (codes, off) -> {
        float dotSigns = 2 * VectorUtil.lookupSum(table, codes, off, signBytes) - sumY;
        float scale = (float) FLOAT.get(codes, off + signBytes);
        float rNorm = (float) FLOAT.get(codes, off + signBytes + 4);
        return -(rNorm + qNorm - 2 * scale * dotSigns);
      };
    }
    float meanDot = VectorUtil.dot(mean, q);
    return (codes, off) -> {
      float dotSigns = 2 * VectorUtil.lookupSum(table, codes, off, signBytes) - sumY;
      return meanDot + (float) FLOAT.get(codes, off + signBytes) * dotSigns;
    };
  }

  /**
   * The vector the estimator implicitly scores: {@code μ + Pᵀ(scale·s)} with the stored
   * {@code scale = ‖r‖²/‖r‖₁}, so that its inner product with any query equals the estimate.
   */
  @Override
  public float[] decode(byte[] codes, int off) {
    int d = mean.length;
    float scale = (float) FLOAT.get(codes, off + signBytes);
    float[] s = new float[d];
    for (int i = 0; i < d; i++) {
      s[i] = ((codes[off + (i >> 3)] >> (i & 7)) & 1) != 0 ? scale : -scale;
    }
    float[] v = new float[d];
    for (int i = 0; i < d; i++) {
      if (rotation == null) {
        v[i] = mean[i] + s[i];
      } else {
        float acc = 0;
        for (int k = 0; k < d; k++) {
          acc += rotation[k * d + i] * s[k];
        }
        v[i] = mean[i] + acc;
      }
    }
    return v;
  }

  @Override
  public String describe() {
    return "bq-asym (" + similarity.cliName() + ", d=" + mean.length + (rotation != null ? ", rotated" : "") + ")";
  }
}
