package io.quantpipe.quant.osq;

import io.quantpipe.quant.CodeScorer;
import io.quantpipe.vector.VectorUtil;

/**
 * Scores {@link OptimizedScalarQuantizer} codes against one float query without decoding them:
 * per code one integer-code dot product {@code Σ k_i·y_i} on the kernels {@code sq} uses
 * ({@link VectorUtil#dotUnsignedBytes} at 8 bits, {@link VectorUtil#dotNibbles} at 4,
 * {@link VectorUtil#dotPacked} at 2, a 256-entry-per-byte table sum at 1), then the code's interval:
 * <ul>
 *   <li>inner product (and cosine, on normalised vectors): {@code ⟨μ, y⟩ + a·Σ y + Δ·Σ k_i·y_i};
 *   <li>L2: the negated {@code ‖r‖² + ‖y − μ‖² − 2·(a·Σ(y − μ) + Δ·Σ k_i·(y − μ)_i)}.
 * </ul>
 * Higher is better, as {@link CodeScorer} requires. Everything that depends only on the query (its
 * centred or nibble-split form, its sum, {@code ⟨μ, y⟩} or {@code ‖y − μ‖²}) is computed once here.
 *
 * <p>One query, one thread, as every {@link CodeScorer}.
 */
public final class OsqScorer implements CodeScorer {
  private final int bits;
  private final int maxCode;
  private final int packedBytes;
  private final int dim;
  private final boolean euclidean;
  /** The query as the kernel reads it: nibble-split at 4 bits, a table of partial sums at 1 bit. */
  private final float[] kernelQuery;
  /** Σ of the query side, y or y − μ. */
  private final float sum;
  /** ⟨μ, y⟩ for inner product, ‖y − μ‖² for L2. */
  private final float base;

  /** @param query the prepared query (normalised for cosine) */
  OsqScorer(OptimizedScalarQuantizer quantizer, float[] query) {
    this.bits = quantizer.bits();
    this.maxCode = quantizer.params().maxCode();
    this.packedBytes = quantizer.packedBytes();
    this.dim = query.length;
    this.euclidean = quantizer.euclidean();
    float[] mean = quantizer.mean();
    float[] side = new float[dim];
    float centredNorm = 0;
    for (int i = 0; i < dim; i++) {
      side[i] = query[i] - mean[i];
      centredNorm += side[i] * side[i];
    }
    float b = euclidean ? centredNorm : VectorUtil.dot(mean, query);
    float s = 0;
    for (float v : side) {
      s += v;
    }
    this.base = b;
    this.sum = s;
    this.kernelQuery = bits == 4 ? VectorUtil.splitNibbleQuery(side) : bits == 1 ? bitTable(side) : side;
  }

  /** Per code byte, the sum of the query components whose bits are set in each of its 256 values. */
  private float[] bitTable(float[] y) {
    float[] table = new float[packedBytes * 256];
    for (int b = 0; b < packedBytes; b++) {
      int base = b * 256;
      for (int v = 1; v < 256; v++) { // one addition per entry: the value without its lowest bit, plus that bit's term
        int d = 8 * b + Integer.numberOfTrailingZeros(v);
        table[base + v] = table[base + (v & (v - 1))] + (d < y.length ? y[d] : 0f);
      }
    }
    return table;
  }

  private float codeDot(byte[] codes, int off) {
    switch (bits) {
      case 8:
        return VectorUtil.dotUnsignedBytes(kernelQuery, codes, off, dim);
      case 4:
        return VectorUtil.dotNibbles(kernelQuery, codes, off, dim);
      case 2:
        return VectorUtil.dotPacked(kernelQuery, codes, off, dim, 2);
      default:
        return VectorUtil.lookupSum(kernelQuery, codes, off, packedBytes);
    }
  }

  @Override
  public float score(byte[] codes, int offset) {
    float a = OptimizedScalarQuantizer.lower(codes, offset, packedBytes);
    float delta = IntervalSearch.step(a, OptimizedScalarQuantizer.upper(codes, offset, packedBytes), maxCode);
    float cross = a * sum + delta * codeDot(codes, offset);
    if (euclidean) {
      return -(OptimizedScalarQuantizer.correction(codes, offset, packedBytes) + base - 2 * cross);
    }
    return base + OptimizedScalarQuantizer.correction(codes, offset, packedBytes) + cross;
  }
}
