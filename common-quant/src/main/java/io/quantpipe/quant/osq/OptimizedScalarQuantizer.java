package io.quantpipe.quant.osq;

import io.quantpipe.quant.CodeScorer;
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
 * {@code osq8}/{@code osq4}/{@code osq2}/{@code osq1}: optimized scalar quantization (Elastic's
 * "Optimized Scalar Quantization", 2024; Lucene 10's {@code OptimizedScalarQuantizer}). Every vector
 * is centred on the corpus mean {@code μ}, then quantized uniformly to {@code B} bits on an interval
 * {@code [a, b]} of its own, chosen by {@link IntervalSearch} to minimise an anisotropic loss. Where
 * {@code sq4} spends its 16 levels on one per-dimension range fitted to the whole corpus, here each
 * vector's levels sit where its own components are, and errors along the vector (which move inner
 * products most) are weighed {@code (1 − λ)/λ} times more than errors across it.
 *
 * <p>With {@code r = x − μ}, codes {@code k_i} and {@code Δ = (b − a)/(2^B − 1)} the vector stands for
 * {@code x̂ = μ + a·1 + Δ·k}, so against a float query {@code y} (the query is never quantized):
 * <ul>
 *   <li>inner product: {@code ⟨x̂, y⟩ = ⟨μ, y⟩ + a·Σ y_i + Δ·Σ k_i·y_i};
 *   <li>L2: {@code ‖x − y‖² ≈ ‖r‖² + ‖y − μ‖² − 2·(a·Σ (y − μ)_i + Δ·Σ k_i·(y − μ)_i)}, with the exact
 *       {@code ‖r‖²} stored per vector (only the cross term is estimated, as in Lucene).
 * </ul>
 * {@code Σ k_i·y_i} is one call of the kernel {@code sq}'s codes use ({@link OsqScorer}). Lucene also
 * stores {@code Σ k_i} and {@code ⟨x, μ⟩}: they are needed only when the query is quantized too, which
 * this asymmetric scorer never does, so they would cost 8 bytes per vector for nothing.
 *
 * <p>Code layout ({@link #codeBytes()} bytes): {@code ceil(d·B/8)} bytes of codes packed exactly as
 * {@link io.quantpipe.quant.scalar.ScalarQuantizer} packs them (dimension {@code i} at bit
 * {@code i·B} from the low bits of byte {@code i·B/8} up; at 1 bit as the sign bits of
 * {@code bq-asym}), then the little-endian floats {@code a}, {@code b} and, for L2, {@code ‖r‖²}.
 *
 * <p>Training needs only the corpus mean (from the mergeable {@link CorpusStatistics}); the work is on
 * the encode path, deterministic plain-Java arithmetic. Immutable and thread-safe.
 */
public final class OptimizedScalarQuantizer implements Quantizer {
  private static final VarHandle FLOAT = MethodHandles.byteArrayViewVarHandle(float[].class, ByteOrder.LITTLE_ENDIAN);

  private final Similarity similarity;
  private final OsqParams params;
  private final float[] mean;
  private final IntervalSearch search;
  private final int packedBytes;

  /**
   * @param mean the centre every vector is quantized around (the corpus mean of prepared vectors)
   * @throws IllegalArgumentException for an empty or non-finite mean
   */
  public OptimizedScalarQuantizer(Similarity similarity, OsqParams params, float[] mean) {
    if (mean.length == 0) {
      throw new IllegalArgumentException("Optimized scalar quantization needs a positive dimension");
    }
    for (int j = 0; j < mean.length; j++) {
      if (!Float.isFinite(mean[j])) {
        throw new IllegalArgumentException("Invalid optimized scalar centre at dimension " + j + ": mean=" + mean[j]);
      }
    }
    this.similarity = similarity;
    this.params = params;
    this.mean = mean.clone();
    this.search = new IntervalSearch(params);
    this.packedBytes = (mean.length * params.bits() + 7) / 8;
  }

  /** Trains from statistics of prepared vectors (normalised for cosine): only their exact mean is used. */
  public static OptimizedScalarQuantizer train(CorpusStatistics stats, Similarity similarity, OsqParams params) {
    return new OptimizedScalarQuantizer(similarity, params, stats.mean());
  }

  /** Trains on a whole batch of raw vectors. */
  public static OptimizedScalarQuantizer train(FloatVectors vectors, Similarity similarity, OsqParams params) {
    return train(CorpusStatistics.of(vectors.prepared(similarity), 1, 1), similarity, params);
  }

  @Override
  public QuantizerKind kind() {
    return QuantizerKind.OPTIMIZED_SCALAR;
  }

  @Override
  public int dimension() {
    return mean.length;
  }

  @Override
  public Similarity similarity() {
    return similarity;
  }

  public OsqParams params() {
    return params;
  }

  public int bits() {
    return params.bits();
  }

  /** The centre (a copy). */
  public float[] mean() {
    return mean.clone();
  }

  /** Bytes of packed codes at the start of every code, before the corrections. */
  int packedBytes() {
    return packedBytes;
  }

  boolean euclidean() {
    return similarity.kernel() == Similarity.EUCLIDEAN;
  }

  @Override
  public int codeBytes() {
    return packedBytes + 12;
  }

  @Override
  public void encode(float[] vector, byte[] dst, int off) {
    float[] r = prepareForEncoding(vector);
    if (r == vector) {
      r = vector.clone(); // centred in place below; the caller's array stays untouched
    }
    double norm2 = 0;
    double meanDot = 0;
    for (int j = 0; j < r.length; j++) {
      r[j] -= mean[j];
      norm2 += (double) r[j] * r[j];
      meanDot += (double) r[j] * mean[j];
    }
    float[] interval = new float[2];
    search.search(r, norm2, interval);
    float a = interval[0];
    float b = interval[1];
    int maxCode = params.maxCode();
    float inv = b > a ? maxCode / (b - a) : 0f;
    int bits = params.bits();
    if (bits == 8) {
      for (int j = 0; j < r.length; j++) {
        dst[off + j] = (byte) IntervalSearch.code(r[j], a, b, inv, maxCode);
      }
    } else {
      Arrays.fill(dst, off, off + packedBytes, (byte) 0);
      for (int j = 0; j < r.length; j++) {
        int bit = j * bits;
        dst[off + (bit >> 3)] |= (byte) (IntervalSearch.code(r[j], a, b, inv, maxCode) << (bit & 7));
      }
    }
    FLOAT.set(dst, off + packedBytes, a);
    FLOAT.set(dst, off + packedBytes + 4, b);
    FLOAT.set(dst, off + packedBytes + 8, (float) (euclidean() ? norm2 : meanDot));
  }

  /** The lower end {@code a} of a code's interval. */
  static float lower(byte[] codes, int off, int packedBytes) {
    return (float) FLOAT.get(codes, off + packedBytes);
  }

  /** The upper end {@code b} of a code's interval. */
  static float upper(byte[] codes, int off, int packedBytes) {
    return (float) FLOAT.get(codes, off + packedBytes + 4);
  }

  /** The code's exact correction: {@code ‖x − μ‖²} for L2, {@code ⟨x − μ, μ⟩} for inner product. */
  static float correction(byte[] codes, int off, int packedBytes) {
    return (float) FLOAT.get(codes, off + packedBytes + 8);
  }

  @Override
  public CodeScorer scorer(float[] query) {
    checkDimension(query.length);
    return new OsqScorer(this, similarity.prepare(query));
  }

  /** {@code μ + a + Δ·k}: the vector whose inner product with any query the scorer estimates. */
  @Override
  public float[] decode(byte[] codes, int off) {
    float a = lower(codes, off, packedBytes);
    float delta = IntervalSearch.step(a, upper(codes, off, packedBytes), params.maxCode());
    int bits = params.bits();
    int mask = params.maxCode();
    float[] v = new float[mean.length];
    for (int j = 0; j < v.length; j++) {
      int bit = j * bits;
      int k = (codes[off + (bit >> 3)] >> (bit & 7)) & mask;
      v[j] = mean[j] + (a + delta * k);
    }
    return v;
  }

  @Override
  public String describe() {
    return "osq" + params.bits() + " (" + similarity.cliName() + ", d=" + mean.length + ", lambda=" + params.lambda()
        + ", iterations=" + params.iterations() + ")";
  }
}
