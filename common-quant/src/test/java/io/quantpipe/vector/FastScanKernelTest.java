package io.quantpipe.vector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The SIMD fast-scan kernel equals the plain one exactly, and both sum the layout's nibbles. */
class FastScanKernelTest {
  private static final VectorOps PLAIN = ScalarVectorOps.INSTANCE;
  private static final VectorOps SIMD = new PanamaVectorOps();

  private static byte[] bytes(SplittableRandom r, int n) {
    byte[] b = new byte[n];
    r.nextBytes(b);
    return b;
  }

  @Test
  void simdEqualsPlainAtEverySubspaceCountUpToTheSixteenBitLimit() {
    SplittableRandom r = new SplittableRandom(5);
    for (int m : new int[] {1, 2, 3, 7, 8, 16, 17, 48, 96, 192, 257}) {
      byte[] lut = bytes(r, 16 * m);
      if (m == 257) { // the largest m at which all-255 entries still fit 16 bits: 257 · 255 = 65535
        java.util.Arrays.fill(lut, (byte) 0xFF);
      }
      int blocks = 5;
      byte[] codes = bytes(r, 3 + 16 * m * blocks);
      int[] plain = new int[32 * blocks];
      int[] simd = new int[32 * blocks];
      PLAIN.fastScan(lut, codes, 3, m, blocks, plain);
      SIMD.fastScan(lut, codes, 3, m, blocks, simd);
      assertThat(simd).as("m=%d", m).isEqualTo(plain);
      if (m == 257) {
        assertThat(plain).containsOnly(65535);
      }
    }
  }

  /** Sums follow the documented layout: byte 2i holds vectors i and 16+i, byte 2i+1 vectors 8+i and 24+i. */
  @Test
  void sumsTheNibblesTheLayoutAssignsToEachVector() {
    SplittableRandom r = new SplittableRandom(6);
    int m = 5;
    byte[] lut = bytes(r, 16 * m);
    int[][] code = new int[32][m];
    byte[] packed = new byte[16 * m];
    for (int v = 0; v < 32; v++) {
      for (int j = 0; j < m; j++) {
        code[v][j] = r.nextInt(16);
        int i = v & 15;
        int at = 16 * j + (i < 8 ? 2 * i : 2 * (i - 8) + 1);
        packed[at] |= (byte) (code[v][j] << (v >= 16 ? 4 : 0));
      }
    }
    int[] out = new int[32];
    VectorUtil.fastScan(lut, packed, 0, m, 1, out);
    for (int v = 0; v < 32; v++) {
      int expected = 0;
      for (int j = 0; j < m; j++) {
        expected += lut[16 * j + code[v][j]] & 0xFF;
      }
      assertThat(out[v]).as("vector %d", v).isEqualTo(expected);
    }
    assertThatThrownBy(() -> VectorUtil.fastScan(lut, packed, 1, m, 1, out)).isInstanceOf(IndexOutOfBoundsException.class)
        .hasMessageContaining("fastScan: 1 blocks of 5 subspaces from 1");
  }
}
