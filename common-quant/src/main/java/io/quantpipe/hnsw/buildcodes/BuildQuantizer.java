package io.quantpipe.hnsw.buildcodes;

import io.quantpipe.vector.FloatVectors;
import io.quantpipe.vector.Similarity;
import java.util.Arrays;

/**
 * The transient scalar code a graph is linked on ({@code --build-scores codes}), whatever the
 * partition stores: vectors are centred on the corpus mean {@code m} and every dimension shares one
 * interval {@code [lo, lo + L·step]}, {@code L = 2^bits − 1}, so that two codes score against each
 * other with one exact integer dot product (Lucene's int7/int8 HNSW builds, USearch's i8).
 *
 * <p>With {@code x' = x − m ≈ lo·1 + step·u} (u the code, integers in [0, L]):
 * <ul>
 *   <li>inner product: {@code ⟨x,y⟩ = ⟨x',y'⟩ + ⟨m,x'⟩ + ⟨m,y'⟩ + ‖m‖² ≈ step²·Σu_i·v_i + c_x + c_y}
 *       with the per-vector correction {@code c_x = lo·step·Σu_i + ⟨m,x'⟩ + (d·lo² + ‖m‖²)/2}
 *       ({@code ⟨m,x'⟩} exact, from the float vector);</li>
 *   <li>L2, scored as {@code −‖x−y‖² = −‖x'‖² − ‖y'‖² + 2⟨x',y'⟩ ≈ 2·step²·Σu_i·v_i + c_x + c_y} with
 *       {@code c_x = −‖x'‖² + 2·lo·step·Σu_i + d·lo²} (the norms exact, only the cross term quantized).</li>
 * </ul>
 * So a symmetric score is {@link #scale()}·dot + c_x + c_y, whatever the similarity.
 *
 * <p>Why not {@code quant.scalar.ScalarQuantizer}'s sq8: its per-dimension cells make a code×code
 * product a per-dimension weighted sum (Σ w_j²·u_j·v_j), not one integer dot; it stays the
 * partition's stored (asymmetrically scored) code, and this one is only for linking.
 *
 * <p>The interval is the {@code (1 − c)/2} and {@code (1 + c)/2} quantiles of the centred values of
 * an evenly strided sample, with Lucene's confidence {@code c = max(0.9, 1 − 1/(d + 1))}; values
 * outside it clamp. Encoding is plain, sequential Java float/double maths (strict since Java 17):
 * the same vectors give the same codes on every JVM. Immutable; thread-safe.
 */
public final class BuildQuantizer {
  /** Vectors sampled for the interval: enough for stable quantiles, cheap to sort (d·4096 floats). */
  static final int SAMPLE = 4096;

  private final Similarity similarity;
  private final int bits;
  private final float[] mean;
  private final float lower;
  private final float step;
  private final float invStep;
  private final int levels;
  private final double meanNorm2;

  /**
   * @param similarity the kernel similarity of the (prepared) vectors: {@code DOT} or {@code EUCLIDEAN}
   * @param bits 7 (products fit a signed 16-bit lane, Lucene's int7) or 8
   * @param mean the centre, one value per dimension
   * @param lower the interval's start, in centred units
   * @param step the width of one code level, {@code > 0}
   */
  public BuildQuantizer(Similarity similarity, int bits, float[] mean, float lower, float step) {
    if (similarity == Similarity.COSINE) {
      throw new IllegalArgumentException("Build codes take prepared vectors scored by the kernel similarity"
          + " (ip for cosine); got " + similarity);
    }
    if (bits != 7 && bits != 8) {
      throw new IllegalArgumentException("Build codes must have 7 or 8 bits; bits=" + bits);
    }
    if (mean.length == 0) {
      throw new IllegalArgumentException("Build codes need a non-empty mean");
    }
    if (!(step > 0) || !Float.isFinite(step) || !Float.isFinite(lower)) {
      throw new IllegalArgumentException("Build codes need a finite interval with step > 0; lower=" + lower
          + ", step=" + step);
    }
    this.similarity = similarity;
    this.bits = bits;
    this.mean = mean.clone();
    this.lower = lower;
    this.step = step;
    this.invStep = 1f / step;
    this.levels = (1 << bits) - 1;
    double n2 = 0;
    for (float v : mean) {
      n2 += (double) v * v;
    }
    this.meanNorm2 = n2;
  }

  /**
   * Calibrates on the vectors themselves (prepared: normalised for cosine).
   *
   * @param similarity the kernel similarity ({@link Similarity#kernel()})
   */
  public static BuildQuantizer train(FloatVectors prepared, Similarity similarity, int bits) {
    int n = prepared.count();
    int d = prepared.dim();
    if (n == 0) {
      throw new IllegalArgumentException("Cannot train build codes on no vectors");
    }
    float[] data = prepared.data();
    double[] sum = new double[d];
    for (int i = 0; i < n; i++) {
      int off = i * d;
      for (int j = 0; j < d; j++) {
        sum[j] += data[off + j];
      }
    }
    float[] mean = new float[d];
    for (int j = 0; j < d; j++) {
      mean[j] = (float) (sum[j] / n);
    }
    int s = Math.min(n, SAMPLE);
    float[] centred = new float[s * d];
    for (int k = 0; k < s; k++) {
      int off = (int) ((long) k * n / s) * d; // evenly strided: deterministic without a seed
      for (int j = 0; j < d; j++) {
        centred[k * d + j] = data[off + j] - mean[j];
      }
    }
    Arrays.sort(centred);
    double confidence = Math.max(0.9, 1 - 1.0 / (d + 1));
    float lo = centred[(int) Math.floor((centred.length - 1) * (1 - confidence) / 2)];
    float hi = centred[(int) Math.ceil((centred.length - 1) * (1 + confidence) / 2)];
    float step = (hi - lo) / ((1 << bits) - 1);
    if (!(step > 0)) {
      step = Math.max(Math.abs(lo), 1f) * 1e-6f; // constant data: any positive step codes it exactly
    }
    return new BuildQuantizer(similarity, bits, mean, lo, step);
  }

  /** Encodes every vector (same ordinals). */
  public BuildCodes encodeAll(FloatVectors prepared) {
    checkDimension(prepared.dim());
    int n = prepared.count();
    int d = prepared.dim();
    byte[] codes = new byte[Math.multiplyExact(n, d)];
    float[] corrections = new float[n];
    for (int i = 0; i < n; i++) {
      corrections[i] = encode(prepared.data(), i * d, codes, i * d);
    }
    return new BuildCodes(this, codes, corrections);
  }

  /**
   * Writes the code of {@code data[off, off + d)} to {@code dst[dstOff, dstOff + d)} and returns its
   * correction {@code c_x} (see the class comment).
   */
  public float encode(float[] data, int off, byte[] dst, int dstOff) {
    int d = mean.length;
    long codeSum = 0;
    double dotMean = 0;
    double norm2 = 0;
    for (int j = 0; j < d; j++) {
      float c = data[off + j] - mean[j];
      int u = Math.round((c - lower) * invStep);
      u = u < 0 ? 0 : Math.min(u, levels);
      dst[dstOff + j] = (byte) u;
      codeSum += u;
      dotMean += (double) mean[j] * c;
      norm2 += (double) c * c;
    }
    double lo = lower;
    if (similarity == Similarity.DOT) {
      return (float) (lo * step * codeSum + dotMean + (d * lo * lo + meanNorm2) / 2);
    }
    return (float) (-norm2 + 2 * lo * step * codeSum + d * lo * lo);
  }

  /** The factor of the integer dot in a symmetric score: {@code step²} (ip) or {@code 2·step²} (L2). */
  public float scale() {
    return (similarity == Similarity.DOT ? 1f : 2f) * step * step;
  }

  public int dimension() {
    return mean.length;
  }

  public int bits() {
    return bits;
  }

  public float lower() {
    return lower;
  }

  public float step() {
    return step;
  }

  public Similarity similarity() {
    return similarity;
  }

  void checkDimension(int dim) {
    if (dim != mean.length) {
      throw new IllegalArgumentException(String.format(
          "Vectors of dimension %d do not match build codes of dimension %d", dim, mean.length));
    }
  }
}
