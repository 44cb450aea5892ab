package io.quantpipe.vector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ScalarVectorOpsTest {
  private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private final VectorOps ops = new ScalarVectorOps();

  private static float[] randomFloats(SplittableRandom r, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (r.nextDouble() * 2 - 1);
    }
    return v;
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 7, 13, 100, 207, 1021, 1536})
  void floatKernelsMatchDoubleLoops(int n) {
    SplittableRandom r = new SplittableRandom(n);
    float[] a = randomFloats(r, n + 3);
    float[] b = randomFloats(r, n + 5);
    double dot = 0;
    double l2 = 0;
    for (int i = 0; i < n; i++) {
      dot += (double) a[i + 3] * b[i + 5];
      l2 += ((double) a[i + 3] - b[i + 5]) * ((double) a[i + 3] - b[i + 5]);
    }
    assertThat(ops.dot(a, 3, b, 5, n)).isCloseTo((float) dot, within(1e-4f * n));
    assertThat(ops.squareDistance(a, 3, b, 5, n)).isCloseTo((float) l2, within(1e-4f * n));
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 7, 13, 100, 207, 1021, 1536})
  void integerCodeKernelsMatchNaiveUnpacking(int n) {
    SplittableRandom r = new SplittableRandom(31 * n);
    float[] q = randomFloats(r, n);
    byte[] codes = new byte[n + 2];
    for (int i = 0; i < codes.length; i++) {
      codes[i] = (byte) r.nextInt(256); // includes the byte extremes 0 and 255 over these sizes
    }
    codes[2] = (byte) 0xFF;
    double bytes = 0;
    double nibbles = 0;
    double crumbs = 0;
    for (int i = 0; i < n; i++) {
      bytes += q[i] * (codes[2 + i] & 0xFF);
      nibbles += q[i] * ((codes[2 + i / 2] >> ((i % 2) * 4)) & 0xF);
      crumbs += q[i] * ((codes[2 + i / 4] >> ((i % 4) * 2)) & 0x3);
    }
    assertThat(ops.dotUnsignedBytes(q, codes, 2, n)).isCloseTo((float) bytes, within(1e-2f * n));
    assertThat(ops.dotPacked(q, codes, 2, n, 4)).isCloseTo((float) nibbles, within(1e-3f * n));
    assertThat(ops.dotPacked(q, codes, 2, n, 2)).isCloseTo((float) crumbs, within(1e-3f * n));
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 7, 48, 96})
  void lookupSumAddsOneEntryPerSubspace(int m) {
    SplittableRandom r = new SplittableRandom(m);
    float[] table = randomFloats(r, m * 256);
    byte[] codes = new byte[m + 1];
    double expected = 0;
    for (int j = 0; j < m; j++) {
      codes[1 + j] = (byte) r.nextInt(256);
      expected += table[j * 256 + (codes[1 + j] & 0xFF)];
    }
    assertThat(ops.lookupSum(table, codes, 1, m)).isCloseTo((float) expected, within(1e-4f * m));
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 6, 24})
  void hammingCountsDifferingBits(int words) {
    SplittableRandom r = new SplittableRandom(words);
    long[] q = new long[words];
    byte[] codes = new byte[8 * words + 8];
    int expected = 0;
    for (int w = 0; w < words; w++) {
      q[w] = r.nextLong();
      long c = r.nextLong();
      LONG.set(codes, 8 + 8 * w, c);
      expected += Long.bitCount(q[w] ^ c);
    }
    assertThat(ops.hamming(q, codes, 8, words)).isEqualTo(expected);
  }
}
