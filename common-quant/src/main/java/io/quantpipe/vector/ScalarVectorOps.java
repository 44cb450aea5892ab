package io.quantpipe.vector;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Portable kernels in plain Java loops: the default implementation and the reference that faster
 * ones are tested against. Loops are written so that HotSpot's superword pass can vectorise the
 * float ones (independent accumulators, no early exits).
 */
public final class ScalarVectorOps implements VectorOps {

  /** Reads little-endian 64-bit words straight out of a code array, without copying. */
  static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  @Override
  public float dot(float[] a, int aOff, float[] b, int bOff, int len) {
    // Eight independent sums: enough to keep both FP add ports busy despite their latency.
    float s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
    int i = 0;
    for (int bound = len & ~7; i < bound; i += 8) {
      s0 += a[aOff + i] * b[bOff + i];
      s1 += a[aOff + i + 1] * b[bOff + i + 1];
      s2 += a[aOff + i + 2] * b[bOff + i + 2];
      s3 += a[aOff + i + 3] * b[bOff + i + 3];
      s4 += a[aOff + i + 4] * b[bOff + i + 4];
      s5 += a[aOff + i + 5] * b[bOff + i + 5];
      s6 += a[aOff + i + 6] * b[bOff + i + 6];
      s7 += a[aOff + i + 7] * b[bOff + i + 7];
    }
    for (; i < len; i++) {
      s0 += a[aOff + i] * b[bOff + i];
    }
    return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
  }

  @Override
  public float squareDistance(float[] a, int aOff, float[] b, int bOff, int len) {
    float s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
    int i = 0;
    for (int bound = len & ~7; i < bound; i += 8) {
      float d0 = a[aOff + i] - b[bOff + i];
      float d1 = a[aOff + i + 1] - b[bOff + i + 1];
      float d2 = a[aOff + i + 2] - b[bOff + i + 2];
      float d3 = a[aOff + i + 3] - b[bOff + i + 3];
      float d4 = a[aOff + i + 4] - b[bOff + i + 4];
      float d5 = a[aOff + i + 5] - b[bOff + i + 5];
      float d6 = a[aOff + i + 6] - b[bOff + i + 6];
      float d7 = a[aOff + i + 7] - b[bOff + i + 7];
      s0 += d0 * d0;
      s1 += d1 * d1;
      s2 += d2 * d2;
      s3 += d3 * d3;
      s4 += d4 * d4;
      s5 += d5 * d5;
      s6 += d6 * d6;
      s7 += d7 * d7;
    }
    for (; i < len; i++) {
      float d = a[aOff + i] - b[bOff + i];
      s0 += d * d;
    }
    return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
  }

  @Override
  public float dotUnsignedBytes(float[] q, byte[] codes, int off, int len) {
    float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    int i = 0;
    for (int bound = len & ~3; i < bound; i += 4) {
      s0 += q[i] * (codes[off + i] & 0xFF);
      s1 += q[i + 1] * (codes[off + i + 1] & 0xFF);
      s2 += q[i + 2] * (codes[off + i + 2] & 0xFF);
      s3 += q[i + 3] * (codes[off + i + 3] & 0xFF);
    }
    for (; i < len; i++) {
      s0 += q[i] * (codes[off + i] & 0xFF);
    }
    return (s0 + s1) + (s2 + s3);
  }

  @Override
  public float dotPacked(float[] q, byte[] codes, int off, int len, int bits) {
    float s0 = 0, s1 = 0;
    if (bits == 4) {
      int pairs = len >> 1;
      for (int b = 0; b < pairs; b++) {
        int c = codes[off + b];
        s0 += q[2 * b] * (c & 0x0F);
        s1 += q[2 * b + 1] * ((c >> 4) & 0x0F);
      }
      if ((len & 1) != 0) {
        s0 += q[len - 1] * (codes[off + pairs] & 0x0F);
      }
    } else if (bits == 2) {
      int quads = len >> 2;
      for (int b = 0; b < quads; b++) {
        int c = codes[off + b];
        int i = 4 * b;
        s0 += q[i] * (c & 3) + q[i + 2] * ((c >> 4) & 3);
        s1 += q[i + 1] * ((c >> 2) & 3) + q[i + 3] * ((c >> 6) & 3);
      }
      for (int i = quads * 4; i < len; i++) {
        s0 += q[i] * ((codes[off + (i >> 2)] >> ((i & 3) * 2)) & 3);
      }
    } else {
      throw new IllegalArgumentException("Packed codes must have 2 or 4 bits; bits=" + bits);
    }
    return s0 + s1;
  }

  @Override
  public float lookupSum(float[] table, byte[] codes, int off, int m) {
    float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    int j = 0;
    for (int bound = m & ~3; j < bound; j += 4) {
      s0 += table[(j << 8) + (codes[off + j] & 0xFF)];
      s1 += table[((j + 1) << 8) + (codes[off + j + 1] & 0xFF)];
      s2 += table[((j + 2) << 8) + (codes[off + j + 2] & 0xFF)];
      s3 += table[((j + 3) << 8) + (codes[off + j + 3] & 0xFF)];
    }
    for (; j < m; j++) {
      s0 += table[(j << 8) + (codes[off + j] & 0xFF)];
    }
    return (s0 + s1) + (s2 + s3);
  }

  @Override
  public int hamming(long[] query, byte[] codes, int off, int words) {
    int d = 0;
    for (int w = 0; w < words; w++) {
      d += Long.bitCount(query[w] ^ (long) LONGS.get(codes, off + 8 * w));
    }
    return d;
  }
}
