package io.quantpipe.quant.fastscan;

import io.quantpipe.quant.EncodedVectors;
import io.quantpipe.quant.pq.PqParams;
import io.quantpipe.quant.pq.ProductQuantizer;

/**
 * 4-bit codes re-laid for the fast scan, in blocks of 32 vectors as FAISS's
 * {@code IndexPQFastScan} (bbs 32) keeps them: block {@code b} is {@code 16·m} bytes, and
 * subspace {@code j}'s 16 bytes at {@code 16·j} within it hold the nibbles of all 32 vectors,
 * transposed so that one 16-byte load feeds two in-register lookups:
 *
 * <pre>
 * byte 2i   (i &lt; 8): vector i      in the low nibble, vector 16+i in the high nibble
 * byte 2i+1 (i &lt; 8): vector 8+i    in the low nibble, vector 24+i in the high nibble
 * </pre>
 *
 * (the order that lets the kernel split a lookup's bytes into even and odd 16-bit lanes and still
 * write sums in vector order; see {@link io.quantpipe.vector.VectorOps#fastScan}). The last block
 * is padded with code 0. The same bytes as the packed codes, {@code m/2} per vector (plus the
 * padding), so a searcher keeps only this copy. Two kinds of code use it: 4-bit PQ (a subspace's
 * centroid per nibble) and RaBitQ's sign bits (four dimensions' signs per nibble, see
 * {@link io.quantpipe.quant.rabitq.RaBitQSignBlocks}). Immutable and thread-safe.
 */
public final class FastScanCodes {
  private final byte[] data;
  private final int count;
  private final int m;

  private FastScanCodes(byte[] data, int count, int m) {
    this.data = data;
    this.count = count;
    this.m = m;
  }

  /** Re-lays the packed codes of a 4-bit {@link ProductQuantizer}. */
  public static FastScanCodes of(EncodedVectors encoded) {
    if (!(encoded.quantizer() instanceof ProductQuantizer)
        || ((ProductQuantizer) encoded.quantizer()).ksub() != PqParams.KSUB_4BIT) {
      throw new IllegalArgumentException("Fast scan needs 4-bit PQ codes (ksub 16); got " + encoded.quantizer().describe());
    }
    ProductQuantizer pq = (ProductQuantizer) encoded.quantizer();
    return ofPacked(encoded.codes(), pq.codeBytes(), encoded.count(), pq.m());
  }

  /**
   * Re-lays {@code count} packed nibble codes: code {@code v} starts at {@code v·stride} and its
   * nibble {@code j} is the low ({@code j} even) or high half of its byte {@code j/2}.
   */
  public static FastScanCodes ofPacked(byte[] codes, int stride, int count, int m) {
    if (m < 1 || (m + 1) / 2 > stride || (long) stride * count > codes.length) {
      throw new IllegalArgumentException(String.format(
          "%d packed codes of %d nibbles at a stride of %d bytes do not fit %d bytes", count, m, stride, codes.length));
    }
    int blocks = (count + 31) / 32;
    byte[] data = new byte[Math.toIntExact(16L * m * blocks)];
    for (int v = 0; v < count; v++) {
      int block = v >>> 5;
      int at = position(v & 31);
      int shift = (v & 31) >= 16 ? 4 : 0;
      int off = v * stride;
      for (int j = 0; j < m; j++) {
        int b = codes[off + (j >> 1)] & 0xFF;
        int nibble = (j & 1) == 0 ? b & 0x0F : b >>> 4;
        data[16 * m * block + 16 * j + at] |= (byte) (nibble << shift);
      }
    }
    return new FastScanCodes(data, count, m);
  }

  /** The byte within a subspace's 16 that holds vector {@code v} (of 32) of its block. */
  private static int position(int v) {
    int i = v & 15;
    return i < 8 ? 2 * i : 2 * (i - 8) + 1;
  }

  /** Nibble {@code j} of vector {@code v}'s code (for PQ, subspace {@code j}'s centroid). */
  public int centroid(int v, int j) {
    int b = data[16 * m * (v >>> 5) + 16 * j + position(v & 31)] & 0xFF;
    return (v & 31) >= 16 ? b >>> 4 : b & 0x0F;
  }

  /** Writes vector {@code v}'s code in the packed layout, {@code ⌈m/2⌉} bytes (nibble 2i low). */
  public void packedCode(int v, byte[] dst, int off) {
    for (int i = 0; i < (m + 1) / 2; i++) {
      int lo = centroid(v, 2 * i);
      int hi = 2 * i + 1 < m ? centroid(v, 2 * i + 1) : 0;
      dst[off + i] = (byte) (lo | hi << 4);
    }
  }

  /** The bytes the kernel scans. Not copied: callers must not write them. */
  public byte[] data() {
    return data;
  }

  public int count() {
    return count;
  }

  public int m() {
    return m;
  }

  /** Blocks of 32 vectors, the last one padded. */
  public int blocks() {
    return (count + 31) / 32;
  }

  public long bytes() {
    return data.length;
  }
}
