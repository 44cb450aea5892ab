package io.quantpipe.quant.rabitq;

import io.quantpipe.quant.EncodedVectors;
import io.quantpipe.quant.fastscan.FastScanCodes;
import io.quantpipe.quant.fastscan.FastScanLut;
import io.quantpipe.vector.VectorUtil;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * {@link RaBitQuantizer} codes re-laid for a fast-scan 1-bit pass: the sign bits in the 4-bit
 * block layout of {@link FastScanCodes}, so that one kernel call gives 32 codes' sign sums from a
 * byte-quantized table ({@link RaBitQueryScorer#signLut()}), and the rest of every code beside it.
 *
 * <p>The sign plane already is a packed 4-bit code: dimension {@code i} is bit {@code i % 8} of
 * byte {@code i / 8}, so nibble {@code j} holds the signs of dimensions {@code 4j … 4j + 3}, and its
 * table entry {@code c} is the sum of {@code y} over the dimensions whose bits are set in {@code c}.
 * The sum of those entries over the {@code 2⌈d/8⌉} nibbles is {@link RaBitQueryScorer#signSum}.
 *
 * <p>Held per vector, so that the copy costs no more memory than the codes it replaces (plus the
 * padding of the last block):
 * <ul>
 *   <li>the sign nibbles, in blocks of 32 vectors;
 *   <li>the 1-bit factors {@code f_add, f_rescale1, f_error1} side by side in one float array,
 *       read in order by the pass;
 *   <li>for B &gt; 1, the extra bit-planes followed by {@code f_rescale, f_error}.
 * </ul>
 * {@link #code} rebuilds a code byte for byte as the quantizer wrote it, so a candidate is scored
 * by the same {@link RaBitQueryScorer} methods, with the same result, as without the pass.
 *
 * <p>Immutable and thread-safe.
 */
public final class RaBitQSignBlocks {
  private static final VarHandle FLOAT = MethodHandles.byteArrayViewVarHandle(float[].class, ByteOrder.LITTLE_ENDIAN);

  private final RaBitQuantizer quantizer;
  private final FastScanCodes signs;
  private final float[] oneBit;
  private final byte[] rest;
  private final int restBytes;

  private RaBitQSignBlocks(RaBitQuantizer quantizer, FastScanCodes signs, float[] oneBit, byte[] rest, int restBytes) {
    this.quantizer = quantizer;
    this.signs = signs;
    this.oneBit = oneBit;
    this.rest = rest;
    this.restBytes = restBytes;
  }

  /** Re-lays RaBitQ codes. */
  public static RaBitQSignBlocks of(EncodedVectors encoded) {
    if (!(encoded.quantizer() instanceof RaBitQuantizer)) {
      throw new IllegalArgumentException("Sign blocks need RaBitQ codes; got " + encoded.quantizer().describe());
    }
    RaBitQuantizer q = (RaBitQuantizer) encoded.quantizer();
    int n = encoded.count();
    int w = q.planeBytes();
    int b = q.codeBytes();
    int f = q.factorOffset();
    byte[] codes = encoded.codes();
    FastScanCodes signs = FastScanCodes.ofPacked(codes, b, n, 2 * w);
    float[] oneBit = new float[3 * n];
    int restBytes = q.bits() == 1 ? 0 : (q.bits() - 1) * w + 8;
    byte[] rest = new byte[Math.toIntExact((long) restBytes * n)];
    for (int v = 0, off = 0; v < n; v++, off += b) {
      oneBit[3 * v] = (float) FLOAT.get(codes, off + f);
      oneBit[3 * v + 1] = (float) FLOAT.get(codes, off + f + (q.bits() == 1 ? 4 : 12));
      oneBit[3 * v + 2] = (float) FLOAT.get(codes, off + f + (q.bits() == 1 ? 8 : 16));
      if (restBytes > 0) { // the extra planes, then f_rescale and f_error (f_add is in oneBit)
        System.arraycopy(codes, off + w, rest, v * restBytes, restBytes - 8);
        System.arraycopy(codes, off + f + 4, rest, v * restBytes + restBytes - 8, 8);
      }
    }
    return new RaBitQSignBlocks(q, signs, oneBit, rest, restBytes);
  }

  /** Writes vector {@code v}'s code, {@link RaBitQuantizer#codeBytes()} bytes, as the quantizer wrote it. */
  public void code(int v, byte[] dst, int off) {
    int w = quantizer.planeBytes();
    int f = off + quantizer.factorOffset();
    signs.packedCode(v, dst, off);
    FLOAT.set(dst, f, oneBit[3 * v]);
    if (quantizer.bits() == 1) {
      FLOAT.set(dst, f + 4, oneBit[3 * v + 1]);
      FLOAT.set(dst, f + 8, oneBit[3 * v + 2]);
      return;
    }
    System.arraycopy(rest, v * restBytes, dst, off + w, restBytes - 8);
    System.arraycopy(rest, v * restBytes + restBytes - 8, dst, f + 4, 8);
    FLOAT.set(dst, f + 12, oneBit[3 * v + 1]);
    FLOAT.set(dst, f + 16, oneBit[3 * v + 2]);
  }

  /**
   * Upper bounds, never below the exact ones, of the 1-bit estimates of the codes in blocks
   * {@code [block, block + blocks)}: {@code uppers[i]} for code {@code 32·block + i}.
   *
   * <p>The kernel's sign sum is within {@link FastScanLut#errorBound()} of the exact one; one more
   * quantized unit ({@code 1/s}) covers the float rounding of the exact sum, which is smaller by
   * orders of magnitude. {@code f_rescale1 ≥ 0}, so the largest sign sum gives the largest estimate.
   *
   * @param lut the query's {@link RaBitQueryScorer#signLut()}
   * @param withBound whether to add the 1-bit error bound: an upper bound of the true score, rather
   *     than of the 1-bit estimate itself
   * @param sums scratch of at least {@code 32·blocks} ints
   */
  public void oneBitUppers(RaBitQueryScorer scorer, FastScanLut lut, boolean withBound, int block, int blocks,
                           int[] sums, float[] uppers) {
    int m = signs.m();
    VectorUtil.fastScan(lut.table(), signs.data(), 16 * m * block, m, blocks, sums);
    // −cost(qsum) = −bias − qsum/s is the sign sum; the rest of the estimate is per code.
    float offset = -lut.cost(0) + lut.errorBound() + 1 / lut.scale() - 0.5f * scorer.sumY();
    float perUnit = 1 / lut.scale();
    float queryConst = scorer.queryConst();
    float boundScale = withBound ? scorer.boundScale() : 0f;
    int first = 32 * block;
    int end = Math.min(signs.count() - first, 32 * blocks);
    for (int i = 0, at = 3 * first; i < end; i++, at += 3) {
      float signUpper = offset - sums[i] * perUnit;
      uppers[i] = oneBit[at] + queryConst + oneBit[at + 1] * signUpper + boundScale * oneBit[at + 2];
    }
  }

  public int count() {
    return signs.count();
  }

  /** Blocks of 32 codes, the last one padded. */
  public int blocks() {
    return signs.blocks();
  }

  /** Bytes held: the sign blocks, the 1-bit factors and the rest of the codes. */
  public long bytes() {
    return signs.bytes() + 4L * oneBit.length + rest.length;
  }
}
