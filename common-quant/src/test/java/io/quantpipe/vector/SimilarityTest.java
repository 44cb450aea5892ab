package io.quantpipe.vector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class SimilarityTest {

  @Test
  void scoresHandCheckedVectors() {
    float[] a = {1, 2, 3};
    float[] b = {4, 0, -1};
    // (1-4)² + (2-0)² + (3+1)² = 9 + 4 + 16 = 29; dot = 4 + 0 - 3 = 1
    assertThat(Similarity.EUCLIDEAN.score(a, 0, b, 0, 3)).isEqualTo(-29f);
    assertThat(Similarity.DOT.score(a, 0, b, 0, 3)).isEqualTo(1f);
    // cosine = 1 / (sqrt(14) * sqrt(17))
    float[] pa = Similarity.COSINE.prepare(a);
    float[] pb = Similarity.COSINE.prepare(b);
    assertThat(Similarity.COSINE.score(pa, 0, pb, 0, 3)).isCloseTo((float) (1 / Math.sqrt(14 * 17)), within(1e-6f));
    assertThat(VectorUtil.cosine(a, b)).isCloseTo((float) (1 / Math.sqrt(14 * 17)), within(1e-6f));
  }

  @Test
  void idsAndNamesAreStable() {
    assertThat(Similarity.fromId((byte) 0)).isEqualTo(Similarity.EUCLIDEAN);
    assertThat(Similarity.fromId((byte) 1)).isEqualTo(Similarity.DOT);
    assertThat(Similarity.fromId((byte) 2)).isEqualTo(Similarity.COSINE);
    assertThat(Similarity.fromCliName("IP")).isEqualTo(Similarity.DOT);
    assertThatThrownBy(() -> Similarity.fromCliName("hamming"))
        .hasMessage("Unknown metric 'hamming'; expected one of l2, ip, cosine");
  }

  @Test
  void cosineRefusesZeroVector() {
    assertThatThrownBy(() -> Similarity.COSINE.prepare(new float[3]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("zero vector");
  }

  @Test
  void floatVectorsRejectNonFiniteValuesNamingRecord() {
    float[] data = {1, 2, 3, 4, Float.NaN, 6};
    assertThatThrownBy(() -> new FloatVectors(data, 3))
        .hasMessage("Cannot create vectors: record 1 has a non-finite value NaN at dimension 1");
    assertThatThrownBy(() -> FloatVectors.of(new float[] {1, 2}, new float[] {1}))
        .hasMessage("Cannot create vectors: record 1 has dimension 1, expected 2");
  }
}
