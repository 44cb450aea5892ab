package io.quantpipe.vector;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Portable kernels in plain Java loops: the fallback when the Vector API is absent, and the
 * reference that {@link PanamaVectorOps} is tested against bit for bit. The sums keep the
 * {@link VectorOps lane order} in a 32-entry array of partial sums, which costs this class some
 * speed; being equal to the SIMD kernels is worth more here than being fast without them.
 */
public final class ScalarVectorOps implements VectorOps {

  /** Reads little-endian 64-bit words straight out of a code array, without copying. */
  static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  /** The one instance the facade and the SIMD class's fallbacks use. */
  static final ScalarVectorOps INSTANCE = new ScalarVectorOps();

  @Override
  public String name() {
    return "scalar";
  }

  @Override
  public float dot(float[] a, int aOff, float[] b, int bOff, int len) {
    float[] p = new float[32];
    int i = 0;
    for (int bound = len & ~31; i < bound; i += 32) {
      for (int t = 0; t < 32; t++) {
        p[t] += a[aOff + i + t] * b[bOff + i + t];
      }
    }
    for (int bound = len & ~7; i < bound; i += 8) {
      for (int t = 0; t < 8; t++) {
        p[t] += a[aOff + i + t] * b[bOff + i + t];
      }
    }
    float r = fold(p);
    for (; i < len; i++) {
      r += a[aOff + i] * b[bOff + i];
    }
    return r;
  }

  @Override
  public float squareDistance(float[] a, int aOff, float[] b, int bOff, int len) {
    float[] p = new float[32];
    int i = 0;
    for (int bound = len & ~31; i < bound; i += 32) {
      for (int t = 0; t < 32; t++) {
        float d = a[aOff + i + t] - b[bOff + i + t];
        p[t] += d * d;
      }
    }
    for (int bound = len & ~7; i < bound; i += 8) {
      for (int t = 0; t < 8; t++) {
        float d = a[aOff + i + t] - b[bOff + i + t];
        p[t] += d * d;
      }
    }
    float r = fold(p);
    for (; i < len; i++) {
      float d = a[aOff + i] - b[bOff + i];
      r += d * d;
    }
    return r;
  }

  @Override
  public float dotUnsignedBytes(float[] q, byte[] codes, int off, int len) {
    float[] p = new float[32];
    int i = 0;
    for (int bound = len & ~31; i < bound; i += 32) {
      for (int t = 0; t < 32; t++) {
        p[t] += q[i + t] * (codes[off + i + t] & 0xFF);
      }
    }
    for (int bound = len & ~7; i < bound; i += 8) {
      for (int t = 0; t < 8; t++) {
        p[t] += q[i + t] * (codes[off + i + t] & 0xFF);
      }
    }
    float r = fold(p);
    for (; i < len; i++) {
      r += q[i] * (codes[off + i] & 0xFF);
    }
    return r;
  }

  @Override
  public float dotNibbles(float[] qSplit, byte[] codes, int off, int len) {
    float[] p = new float[32];
    int n = len & ~15; // terms in split order: 16 per block of 8 bytes
    int i = 0;
    for (int bound = n & ~31; i < bound; i++) {
      p[i & 31] += qSplit[i] * splitNibble(codes, off, i);
    }
    for (; i < n; i++) {
      p[i & 7] += qSplit[i] * splitNibble(codes, off, i);
    }
    float r = fold(p);
    for (; i < len; i++) {
      r += qSplit[i] * ((codes[off + (i >> 1)] >> ((i & 1) << 2)) & 0x0F);
    }
    return r;
  }

  /** The code of split term {@code i}: lane {@code i mod 8} of its block, low nibble then high. */
  private static int splitNibble(byte[] codes, int off, int i) {
    int b = codes[off + ((i >> 4) << 3) + (i & 7)];
    return (i & 8) == 0 ? b & 0x0F : (b >> 4) & 0x0F;
  }

  @Override
  public void transposedScores(float[] query, int qOff, int len, float[] columns, int k, boolean l2, float[] out,
                               int outOff) {
    float[] point = new float[len];
    for (int c = 0; c < k; c++) {
      for (int t = 0; t < len; t++) {
        point[t] = columns[t * k + c];
      }
      out[outOff + c] = l2 ? squareDistance(query, qOff, point, 0, len) : dot(query, qOff, point, 0, len);
    }
  }

  /** Steps 3 of the lane order: the four 8-lane accumulators, then the lanes pairwise. */
  private static float fold(float[] p) {
    float v0 = (p[0] + p[8]) + (p[16] + p[24]);
    float v1 = (p[1] + p[9]) + (p[17] + p[25]);
    float v2 = (p[2] + p[10]) + (p[18] + p[26]);
    float v3 = (p[3] + p[11]) + (p[19] + p[27]);
    float v4 = (p[4] + p[12]) + (p[20] + p[28]);
    float v5 = (p[5] + p[13]) + (p[21] + p[29]);
    float v6 = (p[6] + p[14]) + (p[22] + p[30]);
    float v7 = (p[7] + p[15]) + (p[23] + p[31]);
    return ((v0 + v1) + (v2 + v3)) + ((v4 + v5) + (v6 + v7));
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
    return LookupScan.sum(table, codes, off, m);
  }

  @Override
  public void lookupSums(float[] table, byte[] codes, int off, int m, int count, float[] out) {
    LookupScan.sums(table, codes, off, m, count, out);
  }

  /** The plain loop: per subspace, 16 code bytes give 32 lookups (see the layout in {@link VectorOps#fastScan}). */
  @Override
  public void fastScan(byte[] lut, byte[] codes, int off, int m, int blocks, int[] out) {
    int[] acc = new int[32];
    for (int b = 0; b < blocks; b++) {
      java.util.Arrays.fill(acc, 0);
      int base = off + 16 * m * b;
      for (int j = 0; j < m; j++) {
        int t = 16 * j;
        for (int i = 0; i < 8; i++) {
          int even = codes[base + t + 2 * i] & 0xFF;
          int odd = codes[base + t + 2 * i + 1] & 0xFF;
          acc[i] += lut[t + (even & 15)] & 0xFF;
          acc[16 + i] += lut[t + (even >>> 4)] & 0xFF;
          acc[8 + i] += lut[t + (odd & 15)] & 0xFF;
          acc[24 + i] += lut[t + (odd >>> 4)] & 0xFF;
        }
      }
      System.arraycopy(acc, 0, out, 32 * b, 32);
    }
  }

  @Override
  public int hamming(long[] query, byte[] codes, int off, int words) {
    int d = 0;
    for (int w = 0; w < words; w++) {
      d += Long.bitCount(query[w] ^ (long) LONGS.get(codes, off + 8 * w));
    }
    return d;
  }

  @Override
  public void hammings(long[] query, byte[] codes, int off, int words, int count, int[] out) {
    LookupScan.hammings(query, codes, off, words, count, out);
  }

  @Override
  public void nearestCentroids(float[] points, int base, int stride, int count, float[] columns, float[] norms,
                               int dim, int k, int[] assignment, float[] score) {
    nearestCentroidsFrom(points, base, stride, 0, count, columns, norms, dim, k, assignment, score);
  }

  /** {@link #nearestCentroids} for points {@code [from, count)} of the block. */
  void nearestCentroidsFrom(float[] points, int base, int stride, int from, int count, float[] columns,
                            float[] norms, int dim, int k, int[] assignment, float[] score) {
    float[] s = new float[k];
    for (int i = from; i < count; i++) {
      int p = base + i * stride;
      System.arraycopy(norms, 0, s, 0, k);
      for (int j = 0; j < dim; j++) {
        float xj = -2f * points[p + j];
        int col = j * k;
        for (int c = 0; c < k; c++) {
          s[c] += xj * columns[col + c];
        }
      }
      int best = 0;
      for (int c = 1; c < k; c++) {
        if (s[c] < s[best]) {
          best = c;
        }
      }
      assignment[i] = best;
      score[i] = s[best];
    }
  }

  @Override
  public void columnScores(float[] points, int base, int stride, int count, float[] columns, int dim, int k,
                           float[] out) {
    for (int i = 0; i < count; i++) {
      int p = base + i * stride;
      int o = i * k;
      java.util.Arrays.fill(out, o, o + k, 0f);
      for (int j = 0; j < dim; j++) {
        float xj = points[p + j];
        int col = j * k;
        for (int c = 0; c < k; c++) {
          out[o + c] += xj * columns[col + c];
        }
      }
    }
  }

  @Override
  public int dotBytes(byte[] a, int aOff, byte[] b, int bOff, int len) {
    int s = 0;
    for (int i = 0; i < len; i++) {
      s += (a[aOff + i] & 0xFF) * (b[bOff + i] & 0xFF);
    }
    return s;
  }

  @Override
  public int dotSevenBit(byte[] a, int aOff, byte[] b, int bOff, int len) {
    int s = 0;
    for (int i = 0; i < len; i++) {
      s += a[aOff + i] * b[bOff + i];
    }
    return s;
  }

  @Override
  public void dotBytes(byte[] q, int qOff, byte[] codes, int len, int[] ords, int count, int[] out) {
    for (int j = 0; j < count; j++) {
      out[j] = dotBytes(q, qOff, codes, ords[j] * len, len);
    }
  }

  @Override
  public void dotSevenBits(byte[] q, int qOff, byte[] codes, int len, int[] ords, int count, int[] out) {
    for (int j = 0; j < count; j++) {
      out[j] = dotSevenBit(q, qOff, codes, ords[j] * len, len);
    }
  }
}
