package io.quantpipe.quant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.quantpipe.TestData;
import io.quantpipe.quant.binary.AsymmetricBinaryQuantizer;
import io.quantpipe.quant.binary.BinaryQuantizer;
import io.quantpipe.stats.CorpusStatistics;
import io.quantpipe.vector.FloatVectors;
import io.quantpipe.vector.Similarity;
import io.quantpipe.vector.VectorUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BinaryQuantizerTest {

  @Test
  void signBitsAndHammingAreHandChecked() {
    BinaryQuantizer q = BinaryQuantizer.sign(70, Similarity.DOT);
    float[] a = new float[70];
    float[] b = new float[70];
    for (int i = 0; i < 70; i++) {
      a[i] = i % 2 == 0 ? 1 : -1;
      b[i] = i < 35 ? a[i] : -a[i]; // 35 signs differ
    }
    byte[] codes = new byte[2 * q.codeBytes()];
    q.encode(a, codes, 0);
    q.encode(b, codes, q.codeBytes());
    assertThat(q.codeBytes()).isEqualTo(16); // 70 bits in two 64-bit words
    assertThat(codes[0]).isEqualTo((byte) 0b01010101);
    assertThat(q.scorer(a).score(codes, 0)).isEqualTo(0f);
    assertThat(q.scorer(a).score(codes, q.codeBytes())).isEqualTo(-35f);
  }

  @Test
  void centredVariantSubtractsTheCorpusMean() {
    FloatVectors sift = TestData.siftBase(1000);
    BinaryQuantizer plain = BinaryQuantizer.sign(128, Similarity.EUCLIDEAN);
    BinaryQuantizer centred = BinaryQuantizer.centred(sift, Similarity.EUCLIDEAN);
    assertThat(centred.isCentred()).isTrue();
    assertThat(centred.centre()).isEqualTo(CorpusStatistics.of(sift, 1, 0).mean());
    // SIFT is non-negative: sign codes are nearly all ones, centred codes split about half and half
    int plainOnes = 0;
    int centredOnes = 0;
    byte[] code = new byte[16];
    for (int i = 0; i < 100; i++) {
      plain.encode(sift.get(i), code, 0);
      plainOnes += popcount(code);
      centred.encode(sift.get(i), code, 0);
      centredOnes += popcount(code);
    }
    assertThat(centredOnes / 100.0 / 128).isBetween(0.3, 0.6);
    assertThat(plainOnes).isGreaterThan(centredOnes);
  }

  private static int popcount(byte[] b) {
    int c = 0;
    for (byte x : b) {
      c += Integer.bitCount(x & 0xFF);
    }
    return c;
  }

  /** The RaBitQ estimate equals the exact score against the vector it implies (decode). */
  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void asymmetricEstimateEqualsScoreOfImpliedVector(boolean rotate) {
    FloatVectors sift = TestData.siftBase(1000);
    for (Similarity sim : new Similarity[] {Similarity.EUCLIDEAN, Similarity.DOT}) {
      AsymmetricBinaryQuantizer q = AsymmetricBinaryQuantizer.train(sift, sim, rotate, 5);
      float[] query = sift.get(999);
      CodeScorer scorer = q.scorer(query);
      byte[] code = new byte[q.codeBytes()];
      for (int i = 0; i < 50; i++) {
        q.encode(sift.get(i), code, 0);
        float[] implied = q.decode(code, 0);
        float[] mean = q.mean();
        float expected;
        if (sim == Similarity.DOT) {
          expected = VectorUtil.dot(implied, query);
        } else {
          // ‖r‖² + ‖q−μ‖² − 2⟨r̂, q−μ⟩ with r̂ = implied − μ
          float r2 = 0;
          for (int j = 0; j < 128; j++) {
            float t = sift.get(i)[j] - mean[j];
            r2 += t * t;
          }
          float q2 = 0;
          float cross = 0;
          for (int j = 0; j < 128; j++) {
            q2 += (query[j] - mean[j]) * (query[j] - mean[j]);
            cross += (implied[j] - mean[j]) * (query[j] - mean[j]);
          }
          expected = -(r2 + q2 - 2 * cross);
        }
        assertThat(scorer.score(code, 0)).isCloseTo(expected, within(Math.abs(expected) * 2e-3f + 1f));
      }
    }
  }

  @Test
  void asymmetricEstimatorRanksBetterThanHamming() {
    FloatVectors base = TestData.minilmBase(2000);
    FloatVectors queries = base.slice(1900, 2000);
    FloatVectors corpus = base.slice(0, 1900);
    BinaryQuantizer sign = BinaryQuantizer.sign(384, Similarity.DOT);
    AsymmetricBinaryQuantizer asym = AsymmetricBinaryQuantizer.train(corpus, Similarity.DOT, true, 1);
    assertThat(recallAt10(asym, corpus, queries)).isGreaterThan(recallAt10(sign, corpus, queries) + 0.05);
  }

  private static double recallAt10(Quantizer q, FloatVectors corpus, FloatVectors queries) {
    io.quantpipe.search.QuantizedSearcher s = new io.quantpipe.search.QuantizedSearcher(q.encodeAll(corpus), 0);
    io.quantpipe.search.ExactSearcher exact = new io.quantpipe.search.ExactSearcher(corpus, Similarity.DOT);
    double sum = 0;
    for (int i = 0; i < queries.count(); i++) {
      sum += io.quantpipe.eval.RetrievalMetrics.recall(s.search(queries.get(i), 10).ids(), exact.search(queries.get(i), 10).ids(), 10);
    }
    return sum / queries.count();
  }
}
