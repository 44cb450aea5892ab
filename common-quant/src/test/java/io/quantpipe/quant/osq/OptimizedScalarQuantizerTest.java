package io.quantpipe.quant.osq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.quantpipe.TestData;
import io.quantpipe.quant.CodeScorer;
import io.quantpipe.stats.CorpusStatistics;
import io.quantpipe.vector.FloatVectors;
import io.quantpipe.vector.Similarity;
import io.quantpipe.vector.VectorUtil;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Encoding, layout and scoring of {@link OptimizedScalarQuantizer} on siftsmall (L2) and minilm-384 (ip). */
class OptimizedScalarQuantizerTest {
  private static final FloatVectors SIFT = TestData.siftBase(2000);

  private static float correction(OptimizedScalarQuantizer q, byte[] code, int slot) {
    return ByteBuffer.wrap(code).order(ByteOrder.LITTLE_ENDIAN).getFloat(q.packedBytes() + 4 * slot);
  }

  private static int unpack(byte[] code, int j, int bits) {
    int bit = j * bits;
    return (code[bit >> 3] >> (bit & 7)) & ((1 << bits) - 1);
  }

  @ParameterizedTest
  @CsvSource({"8,128,140", "4,128,76", "2,128,44", "1,128,28", "4,384,204", "1,384,60", "4,7,16", "2,5,14"})
  void codeIsThePackedCodesThenThreeFloats(int bits, int dim, int bytes) {
    OptimizedScalarQuantizer q = new OptimizedScalarQuantizer(Similarity.DOT, OsqParams.defaults(bits), new float[dim]);
    assertThat(q.codeBytes()).isEqualTo(bytes);
  }

  /**
   * The codes sit where ScalarQuantizer puts them (dimension j at bit j·B), each in [0, 2^B − 1],
   * and the reconstruction {@code μ + a + Δ·k} stays inside the stored interval.
   */
  @ParameterizedTest
  @CsvSource({"8,l2", "4,l2", "2,l2", "1,l2", "8,ip", "4,ip", "2,ip", "1,ip"})
  void codesAndCorrectionsDescribeTheVector(int bits, String metric) {
    Similarity sim = Similarity.fromCliName(metric);
    OptimizedScalarQuantizer q = OptimizedScalarQuantizer.train(SIFT, sim, OsqParams.defaults(bits));
    float[] mean = q.mean();
    byte[] code = new byte[q.codeBytes()];
    for (int i = 0; i < 200; i++) {
      float[] v = SIFT.get(i);
      q.encode(v, code, 0);
      float a = correction(q, code, 0);
      float b = correction(q, code, 1);
      assertThat(b).isGreaterThan(a);
      float[] back = q.decode(code, 0);
      double norm2 = 0;
      double meanDot = 0;
      for (int j = 0; j < v.length; j++) {
        float r = v[j] - mean[j];
        norm2 += (double) r * r;
        meanDot += (double) r * mean[j];
        int k = unpack(code, j, bits);
        assertThat(back[j] - mean[j]).isBetween(a - 1e-3f, b + 1e-3f);
        assertThat(back[j]).isCloseTo(mean[j] + a + IntervalSearch.step(a, b, (1 << bits) - 1) * k, within(1e-3f));
      }
      assertThat(correction(q, code, 2)).isEqualTo((float) (sim == Similarity.EUCLIDEAN ? norm2 : meanDot));
    }
  }

  /**
   * The scorer gives the estimator of the class comment and nothing else: for ip
   * {@code ⟨μ, y⟩ + ⟨x − μ, μ⟩ + ⟨x̂ − μ, y − μ⟩}, for L2 the negated
   * {@code ‖x − μ‖² + ‖y − μ‖² − 2⟨x̂ − μ, y − μ⟩}, computed here from the decoded vector.
   */
  @ParameterizedTest
  @CsvSource({"8,l2", "4,l2", "2,l2", "1,l2", "8,ip", "4,ip", "2,ip", "1,ip"})
  void scoreIsTheEstimatorOverTheDecodedVector(int bits, String metric) {
    Similarity sim = Similarity.fromCliName(metric);
    OptimizedScalarQuantizer q = OptimizedScalarQuantizer.train(SIFT, sim, OsqParams.defaults(bits));
    float[] mean = q.mean();
    float[] query = TestData.siftBase(2100).get(2050);
    CodeScorer scorer = q.scorer(query);
    byte[] code = new byte[q.codeBytes()];
    for (int i = 0; i < 100; i++) {
      float[] v = SIFT.get(i);
      q.encode(v, code, 0);
      float[] back = q.decode(code, 0);
      double cross = 0;
      double yNorm = 0;
      for (int j = 0; j < v.length; j++) {
        cross += (double) (back[j] - mean[j]) * (query[j] - mean[j]);
        yNorm += (double) (query[j] - mean[j]) * (query[j] - mean[j]);
      }
      double expected = sim == Similarity.EUCLIDEAN
          ? -(correction(q, code, 2) + yNorm - 2 * cross)
          : VectorUtil.dot(mean, query) + correction(q, code, 2) + cross;
      assertThat((double) scorer.score(code, 0)).isCloseTo(expected, within(Math.abs(expected) * 1e-4 + 1e-1));
    }
  }

  /** On real data the estimate tracks the true score closely at 8 bits and usefully at 4. */
  @ParameterizedTest
  @CsvSource({"8, 0.002", "4, 0.03", "2, 0.12"})
  void innerProductEstimateIsCloseOnMinilm(int bits, double maxMeanError) {
    FloatVectors minilm = TestData.minilmBase(2000);
    OptimizedScalarQuantizer q = OptimizedScalarQuantizer.train(minilm, Similarity.DOT, OsqParams.defaults(bits));
    float[] query = minilm.get(1999);
    CodeScorer scorer = q.scorer(query);
    byte[] code = new byte[q.codeBytes()];
    double error = 0;
    for (int i = 0; i < 1000; i++) {
      q.encode(minilm.get(i), code, 0);
      error += Math.abs(scorer.score(code, 0) - VectorUtil.dot(minilm.get(i), query));
    }
    assertThat(error / 1000).isLessThan(maxMeanError);
  }

  /** The same statistics give the same bytes, however the corpus was partitioned and merged. */
  @ParameterizedTest
  @ValueSource(ints = {1, 7})
  void encodingIsIdenticalForAnyPartitioningAndRun(int parts) {
    OptimizedScalarQuantizer whole = OptimizedScalarQuantizer.train(CorpusStatistics.of(SIFT, 10, 3), Similarity.EUCLIDEAN,
        OsqParams.defaults(4));
    CorpusStatistics[] p = new CorpusStatistics[parts];
    for (int i = 0; i < parts; i++) {
      p[i] = new CorpusStatistics(128, 10, 3);
    }
    for (int i = SIFT.count() - 1; i >= 0; i--) {
      p[(i * 13) % parts].add(i, SIFT.data(), SIFT.offset(i), 128);
    }
    for (int i = 1; i < parts; i++) {
      p[0].merge(p[i]);
    }
    OptimizedScalarQuantizer split = OptimizedScalarQuantizer.train(p[0], Similarity.EUCLIDEAN, OsqParams.defaults(4));
    assertThat(split.mean()).isEqualTo(whole.mean());
    assertThat(split.encodeAll(SIFT).codes()).isEqualTo(whole.encodeAll(SIFT).codes());
  }

  /** Cosine normalises inside the quantizer: on minilm's unit vectors its scores are the ip ones. */
  @ParameterizedTest
  @ValueSource(ints = {8, 4, 2, 1})
  void cosineOnNormalisedDataScoresLikeInnerProduct(int bits) {
    FloatVectors minilm = TestData.minilmBase(1000);
    OptimizedScalarQuantizer ip = OptimizedScalarQuantizer.train(minilm, Similarity.DOT, OsqParams.defaults(bits));
    OptimizedScalarQuantizer cos = OptimizedScalarQuantizer.train(minilm, Similarity.COSINE, OsqParams.defaults(bits));
    float[] query = minilm.get(999);
    CodeScorer ipScorer = ip.scorer(query);
    CodeScorer cosScorer = cos.scorer(query);
    byte[] a = new byte[ip.codeBytes()];
    byte[] b = new byte[cos.codeBytes()];
    for (int i = 0; i < 200; i++) {
      ip.encode(minilm.get(i), a, 0);
      cos.encode(minilm.get(i), b, 0);
      assertThat(cosScorer.score(b, 0)).isCloseTo(ipScorer.score(a, 0), within(1e-3f));
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {127, 129})
  void refusesWrongDimensionAndNonFinite(int dim) {
    OptimizedScalarQuantizer q = OptimizedScalarQuantizer.train(SIFT, Similarity.EUCLIDEAN, OsqParams.defaults(4));
    assertThatThrownBy(() -> q.encode(new float[dim], new byte[q.codeBytes()], 0))
        .hasMessage("Vector dimension " + dim + " does not match the OPTIMIZED_SCALAR quantizer's dimension 128");
    assertThatThrownBy(() -> q.scorer(new float[dim]))
        .hasMessage("Vector dimension " + dim + " does not match the OPTIMIZED_SCALAR quantizer's dimension 128");
    float[] nan = new float[128];
    nan[5] = Float.NaN;
    assertThatThrownBy(() -> q.encode(nan, new byte[q.codeBytes()], 0)).hasMessage("Cannot encode: dimension 5 is NaN");
    float[] mean = new float[128];
    mean[9] = Float.POSITIVE_INFINITY;
    assertThatThrownBy(() -> new OptimizedScalarQuantizer(Similarity.DOT, OsqParams.defaults(4), mean))
        .hasMessage("Invalid optimized scalar centre at dimension 9: mean=Infinity");
  }

  @ParameterizedTest
  @ValueSource(ints = {8, 4, 2, 1})
  void encodingLeavesTheCallersVectorUntouched(int bits) {
    OptimizedScalarQuantizer q = OptimizedScalarQuantizer.train(SIFT, Similarity.EUCLIDEAN, OsqParams.defaults(bits));
    float[] v = SIFT.get(3);
    q.encode(v, new byte[q.codeBytes()], 0);
    assertThat(v).isEqualTo(SIFT.get(3));
  }
}
