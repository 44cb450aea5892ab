package io.quantpipe.quant.rabitq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.quantpipe.TestData;
import io.quantpipe.vector.FloatVectors;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class HadamardRotationTest {

  /**
   * Real rows of dimension {@code dim}: siftsmall truncated for d ≤ 128, minilm truncated for
   * d ≤ 384, and minilm rows laid end to end beyond (1536 = four sentences).
   */
  static float[][] realRows(int dim, int count) {
    FloatVectors src = dim <= 128 ? TestData.siftBase(count * 4) : TestData.minilmBase(count * 4);
    float[][] rows = new float[count][dim];
    int k = 0;
    for (int r = 0; r < count; r++) {
      for (int i = 0; i < dim; i++) {
        rows[r][i] = src.data()[(k++) % src.data().length];
      }
      k += src.dim(); // start the next row on a different vector
    }
    return rows;
  }

  private static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (double) a[i] * b[i];
    }
    return s;
  }

  @ParameterizedTest(name = "d={0}")
  @ValueSource(ints = {100, 127, 128, 384, 385, 1536})
  void preservesNormsAndInnerProductsAndInvertsOnRealVectors(int dim) {
    HadamardRotation p = HadamardRotation.generate(dim, HadamardRotation.DEFAULT_ROUNDS, 7);
    float[][] rows = realRows(dim, 40);
    float[][] rotated = new float[rows.length][dim];
    for (int r = 0; r < rows.length; r++) {
      p.apply(rows[r], rotated[r]);
      double norm = dot(rows[r], rows[r]);
      assertThat(dot(rotated[r], rotated[r])).isCloseTo(norm, within(1e-5 * norm));
      float[] back = new float[dim];
      p.applyTranspose(rotated[r], back);
      for (int i = 0; i < dim; i++) {
        assertThat(back[i]).isCloseTo(rows[r][i], within((float) (1e-5 * Math.sqrt(norm))));
      }
    }
    for (int r = 1; r < rows.length; r++) {
      double scale = Math.sqrt(dot(rows[r], rows[r]) * dot(rows[r - 1], rows[r - 1]));
      assertThat(dot(rotated[r], rotated[r - 1])).isCloseTo(dot(rows[r], rows[r - 1]), within(1e-5 * scale));
    }
  }

  @ParameterizedTest(name = "d={0}")
  @ValueSource(ints = {128, 384, 385, 1536})
  void spreadsABasisVectorOverEveryCoordinate(int dim) {
    HadamardRotation p = HadamardRotation.generate(dim, HadamardRotation.DEFAULT_ROUNDS, 42);
    for (int basis : new int[] {0, dim / 2, dim - 1}) {
      float[] e = new float[dim];
      e[basis] = 1;
      float[] out = new float[dim];
      p.apply(e, out);
      double max = 0;
      for (float v : out) {
        assertThat(v).as("coordinate of P·e_%d", basis).isNotZero();
        max = Math.max(max, Math.abs(v));
      }
      assertThat(max).as("max |P·e_%d|", basis).isLessThan(5 / Math.sqrt(dim));
    }
  }

  @Test
  void theSameSeedGivesTheSameBitsAndAnotherSeedOthers() {
    float[] x = realRows(384, 1)[0];
    float[] a = new float[384];
    float[] b = new float[384];
    float[] c = new float[384];
    HadamardRotation.generate(384, 4, 1).apply(x, a);
    HadamardRotation.generate(384, 4, 1).apply(x, b);
    HadamardRotation.generate(384, 4, 2).apply(x, c);
    assertThat(b).isEqualTo(a);
    assertThat(Arrays.equals(a, c)).isFalse();
    HadamardRotation p = HadamardRotation.generate(384, 4, 1);
    HadamardRotation copy = new HadamardRotation(384, 4, 1, p.flipBits());
    assertThat(copy).isEqualTo(p);
    float[] inPlace = x.clone();
    copy.apply(inPlace, inPlace);
    assertThat(inPlace).isEqualTo(a);
  }

  @Test
  void refusesBadShapesNamingTheValue() {
    assertThatThrownBy(() -> HadamardRotation.generate(0, 4, 1))
        .hasMessage("Cannot rotate: dimension must be positive; dim=0");
    assertThatThrownBy(() -> HadamardRotation.generate(8, 0, 1))
        .hasMessage("Cannot rotate: rounds must be in [1, 64]; rounds=0");
    assertThatThrownBy(() -> new HadamardRotation(384, 4, 1, new long[3]))
        .hasMessage("Cannot rotate: 3 flip words given, 4 rounds of dimension 384 need 48");
    assertThatThrownBy(() -> HadamardRotation.generate(8, 1, 1).apply(new float[8], new float[9]))
        .hasMessage("Cannot rotate: vectors of 8 and 9 floats, the rotation's dimension is 8");
  }
}
