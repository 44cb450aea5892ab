package io.quantpipe.quant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.quantpipe.TestData;
import io.quantpipe.quant.scalar.ScalarParams;
import io.quantpipe.quant.scalar.ScalarQuantizer;
import io.quantpipe.stats.CorpusStatistics;
import io.quantpipe.vector.FloatVectors;
import io.quantpipe.vector.Similarity;
import io.quantpipe.vector.VectorUtil;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ScalarQuantizerTest {
  private static final FloatVectors SIFT = TestData.siftBase(2000);

  @ParameterizedTest
  @ValueSource(ints = {8, 4, 2})
  void minMaxReconstructionErrorIsAtMostHalfACell(int bits) {
    ScalarQuantizer q = ScalarQuantizer.train(SIFT, Similarity.EUCLIDEAN, ScalarParams.minMax(bits), 10_000, 1);
    float[] width = q.width();
    byte[] code = new byte[q.codeBytes()];
    for (int i = 0; i < 200; i++) {
      float[] v = SIFT.get(i);
      q.encode(v, code, 0);
      float[] back = q.decode(code, 0);
      for (int j = 0; j < v.length; j++) {
        assertThat(Math.abs(back[j] - v[j])).isLessThanOrEqualTo(width[j] / 2 + 1e-3f);
      }
    }
    assertThat(q.codeBytes()).isEqualTo(128 * bits / 8 + 4);
  }

  /** Asymmetric scoring must equal exact scoring against the decoded vector: no hidden approximation. */
  @ParameterizedTest
  @CsvSource({"8,l2", "4,l2", "2,l2", "8,ip", "4,ip", "2,ip"})
  void scoreEqualsExactScoreOfDecodedVector(int bits, String metric) {
    Similarity sim = Similarity.fromCliName(metric);
    ScalarQuantizer q = ScalarQuantizer.train(SIFT, sim, ScalarParams.defaults(bits), 10_000, 1);
    float[] query = TestData.siftBase(2100).get(2050);
    CodeScorer scorer = q.scorer(query);
    byte[] code = new byte[q.codeBytes()];
    for (int i = 0; i < 100; i++) {
      q.encode(SIFT.get(i), code, 0);
      float[] back = q.decode(code, 0);
      float exact = sim == Similarity.EUCLIDEAN ? -VectorUtil.squareDistance(query, back) : VectorUtil.dot(query, back);
      assertThat(scorer.score(code, 0)).isCloseTo(exact, within(Math.abs(exact) * 1e-4f + 1e-2f));
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {8, 4, 2})
  void quantileCalibrationClipsOutliersAndKeepsCodesInRange(int bits) {
    ScalarQuantizer q = ScalarQuantizer.train(SIFT, Similarity.EUCLIDEAN, ScalarParams.quantile(bits, 0.01), 10_000, 1);
    float[] extreme = new float[128];
    java.util.Arrays.fill(extreme, 1e6f);
    byte[] code = new byte[q.codeBytes()];
    q.encode(extreme, code, 0);
    float[] back = q.decode(code, 0);
    float[] lower = q.lower();
    float[] width = q.width();
    for (int j = 0; j < 128; j++) {
      assertThat(back[j]).isCloseTo(lower[j] + width[j] * ((1 << bits) - 0.5f), within(1e-2f));
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 7})
  void calibrationIsIdenticalForAnyPartitioning(int parts) {
    ScalarQuantizer whole = ScalarQuantizer.train(CorpusStatistics.of(SIFT, 500, 3), Similarity.EUCLIDEAN, ScalarParams.quantile(4, 0.001));
    CorpusStatistics[] p = new CorpusStatistics[parts];
    for (int i = 0; i < parts; i++) {
      p[i] = new CorpusStatistics(128, 500, 3);
    }
    for (int i = 0; i < SIFT.count(); i++) {
      p[(i * 13) % parts].add(i, SIFT.data(), SIFT.offset(i), 128);
    }
    for (int i = 1; i < parts; i++) {
      p[0].merge(p[i]);
    }
    ScalarQuantizer split = ScalarQuantizer.train(p[0], Similarity.EUCLIDEAN, ScalarParams.quantile(4, 0.001));
    assertThat(split.lower()).isEqualTo(whole.lower());
    assertThat(split.width()).isEqualTo(whole.width());
  }

  @ParameterizedTest
  @ValueSource(ints = {3, 16, 1})
  void refusesUnsupportedBitWidths(int bits) {
    assertThatThrownBy(() -> ScalarParams.minMax(bits))
        .hasMessage("Scalar quantization supports 8, 4 or 2 bits; bits=" + bits);
  }

  @ParameterizedTest
  @ValueSource(ints = {127, 129})
  void refusesWrongDimensionAndNonFinite(int dim) {
    ScalarQuantizer q = ScalarQuantizer.train(SIFT, Similarity.EUCLIDEAN, ScalarParams.minMax(8), 10_000, 1);
    assertThatThrownBy(() -> q.encode(new float[dim], new byte[q.codeBytes()], 0))
        .hasMessage("Vector dimension " + dim + " does not match the SCALAR quantizer's dimension 128");
    float[] nan = new float[128];
    nan[5] = Float.POSITIVE_INFINITY;
    assertThatThrownBy(() -> q.encode(nan, new byte[q.codeBytes()], 0)).hasMessage("Cannot encode: dimension 5 is Infinity");
  }
}
