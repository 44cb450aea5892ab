package io.quantpipe.vector;

import java.lang.reflect.Field;
import sun.misc.Unsafe;

/**
 * The table-lookup and popcount scans, shared by both {@link VectorOps} implementations: a SIMD
 * gather of 8 table entries costs as much as 8 scalar loads on AVX2, and JDK 17's Vector API has no
 * lane-wise popcount, so what makes these fast is scoring several codes per step, which keeps
 * independent loads in flight and gives the batch one loop instead of one call per code.
 *
 * <p>Each code's sum is added in the order {@link VectorOps#lookupSum} documents, so a batch and a
 * single call agree bit for bit. Stateless and thread-safe.
 */
final class LookupScan {
  private static final Unsafe UNSAFE = unsafe();
  private static final long FLOATS = Unsafe.ARRAY_FLOAT_BASE_OFFSET;
  private static final long BYTES = Unsafe.ARRAY_BYTE_BASE_OFFSET;

  private LookupScan() {}

  private static Unsafe unsafe() {
    try {
      Field f = Unsafe.class.getDeclaredField("theUnsafe");
      f.setAccessible(true);
      return (Unsafe) f.get(null);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  static float sum(float[] table, byte[] codes, int off, int m) {
    float s0 = 0, s1 = 0;
    int j = 0;
    for (int bound = m & ~1; j < bound; j += 2) {
      s0 += table[(j << 8) + (codes[off + j] & 0xFF)];
      s1 += table[((j + 1) << 8) + (codes[off + j + 1] & 0xFF)];
    }
    if (j < m) {
      s0 += table[(j << 8) + (codes[off + j] & 0xFF)];
    }
    return s0 + s1;
  }

  /**
   * Four codes per step, each with its own two partial sums. The loads go through {@link Unsafe}
   * because the table index is data ({@code 256·j + code}), so the JIT cannot hoist its bounds
   * check out of the loop, and one compare per lookup cost a third of the scan. It is safe: the
   * facade checked that the codes lie inside {@code codes} and that {@code table} holds
   * {@code 256·m} entries, and {@code 256·j + (byte & 0xFF)} is below that for every {@code j < m}.
   */
  static void sums(float[] table, byte[] codes, int off, int m, int count, float[] out) {
    int i = 0;
    if ((m & 1) == 0) {
      for (; i + 3 < count; i += 4) {
        long a = BYTES + off + (long) i * m;
        long b = a + m, c = b + m, d = c + m;
        float a0 = 0, a1 = 0, b0 = 0, b1 = 0, c0 = 0, c1 = 0, d0 = 0, d1 = 0;
        for (int j = 0; j < m; j += 2) {
          long t = FLOATS + ((long) j << 10);
          long u = t + 1024;
          a0 += UNSAFE.getFloat(table, t + ((UNSAFE.getByte(codes, a + j) & 0xFF) << 2));
          b0 += UNSAFE.getFloat(table, t + ((UNSAFE.getByte(codes, b + j) & 0xFF) << 2));
          c0 += UNSAFE.getFloat(table, t + ((UNSAFE.getByte(codes, c + j) & 0xFF) << 2));
          d0 += UNSAFE.getFloat(table, t + ((UNSAFE.getByte(codes, d + j) & 0xFF) << 2));
          a1 += UNSAFE.getFloat(table, u + ((UNSAFE.getByte(codes, a + j + 1) & 0xFF) << 2));
          b1 += UNSAFE.getFloat(table, u + ((UNSAFE.getByte(codes, b + j + 1) & 0xFF) << 2));
          c1 += UNSAFE.getFloat(table, u + ((UNSAFE.getByte(codes, c + j + 1) & 0xFF) << 2));
          d1 += UNSAFE.getFloat(table, u + ((UNSAFE.getByte(codes, d + j + 1) & 0xFF) << 2));
        }
        out[i] = a0 + a1;
        out[i + 1] = b0 + b1;
        out[i + 2] = c0 + c1;
        out[i + 3] = d0 + d1;
      }
    }
    for (; i < count; i++) {
      out[i] = sum(table, codes, off + i * m, m);
    }
  }

  /** Four codes per step. */
  static void hammings(long[] query, byte[] codes, int off, int words, int count, int[] out) {
    int stride = 8 * words;
    int i = 0;
    for (; i + 3 < count; i += 4) {
      int a = off + i * stride;
      int d0 = 0, d1 = 0, d2 = 0, d3 = 0;
      for (int w = 0; w < words; w++) {
        long q = query[w];
        int o = a + 8 * w;
        d0 += Long.bitCount(q ^ (long) ScalarVectorOps.LONGS.get(codes, o));
        d1 += Long.bitCount(q ^ (long) ScalarVectorOps.LONGS.get(codes, o + stride));
        d2 += Long.bitCount(q ^ (long) ScalarVectorOps.LONGS.get(codes, o + 2 * stride));
        d3 += Long.bitCount(q ^ (long) ScalarVectorOps.LONGS.get(codes, o + 3 * stride));
      }
      out[i] = d0;
      out[i + 1] = d1;
      out[i + 2] = d2;
      out[i + 3] = d3;
    }
    for (; i < count; i++) {
      int d = 0;
      int a = off + i * stride;
      for (int w = 0; w < words; w++) {
        d += Long.bitCount(query[w] ^ (long) ScalarVectorOps.LONGS.get(codes, a + 8 * w));
      }
      out[i] = d;
    }
  }
}
