package io.quantpipe.quant.rabitq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.quantpipe.TestData;
import io.quantpipe.format.QuantizerCodec;
import io.quantpipe.quant.EncodedVectors;
import io.quantpipe.vector.FloatVectors;
import io.quantpipe.vector.Similarity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RaBitQuantizerTest {
  private static final FloatVectors SIFT = TestData.siftBase(2000);

  @ParameterizedTest(name = "B={0}")
  @ValueSource(ints = {1, 2, 3, 4, 5, 8})
  void codeBytesCoverBitPlanesAndFactorsAndTrainingIsDeterministic(int bits) throws Exception {
    RaBitQuantizer a = RaBitQuantizer.train(SIFT, Similarity.EUCLIDEAN, RaBitQParams.defaults(bits, 7));
    RaBitQuantizer b = RaBitQuantizer.train(SIFT, Similarity.EUCLIDEAN, RaBitQParams.defaults(bits, 7));
    assertThat(a.codeBytes()).isEqualTo(bits * 16 + (bits == 1 ? 12 : 20));
    EncodedVectors ca = a.encodeAll(SIFT.slice(0, 200));
    assertThat(b.encodeAll(SIFT.slice(0, 200)).codes()).isEqualTo(ca.codes());
    RaBitQuantizer read = (RaBitQuantizer) QuantizerCodec.read(QuantizerCodec.toBytes(a, "{}"), "mem").quantizer();
    assertThat(read.encodeAll(SIFT.slice(0, 200)).codes()).isEqualTo(ca.codes());
  }

  @ParameterizedTest(name = "B={0}")
  @ValueSource(ints = {2, 4, 8})
  void exactAndFixedScaleSearchesBothReachTheGridOptimumOnRealData(int bits) {
    RaBitQuantizer exact = RaBitQuantizer.train(SIFT, Similarity.EUCLIDEAN,
        new RaBitQParams(bits, 4, RaBitQParams.ScaleSearch.EXACT, 7));
    RaBitQuantizer fixed = RaBitQuantizer.train(SIFT, Similarity.EUCLIDEAN,
        new RaBitQParams(bits, 4, RaBitQParams.ScaleSearch.FIXED, 7));
    double cosExact = meanCosine(exact);
    double cosFixed = meanCosine(fixed);
    assertThat(cosExact).isGreaterThanOrEqualTo(cosFixed - 1e-6);
    assertThat(cosFixed).isCloseTo(cosExact, within(0.002)); // Gaussian-like after the rotation
    assertThat(cosExact).isGreaterThan(bits == 2 ? 0.93 : bits == 4 ? 0.99 : 0.9999);
  }

  /** Mean cosine between {@code x − μ} and the decoded code's {@code x̂ − μ} over 500 vectors. */
  private static double meanCosine(RaBitQuantizer q) {
    float[] mu = q.mean();
    byte[] code = new byte[q.codeBytes()];
    double sum = 0;
    for (int i = 0; i < 500; i++) {
      float[] x = SIFT.get(i);
      q.encode(x, code, 0);
      float[] y = q.decode(code, 0);
      double ab = 0;
      double aa = 0;
      double bb = 0;
      for (int j = 0; j < x.length; j++) {
        double a = x[j] - mu[j];
        double b = y[j] - mu[j];
        ab += a * b;
        aa += a * a;
        bb += b * b;
      }
      sum += ab / Math.sqrt(aa * bb);
    }
    return sum / 500;
  }

  @Test
  void theMeanItselfScoresExactly() {
    RaBitQuantizer q = RaBitQuantizer.train(SIFT, Similarity.EUCLIDEAN, RaBitQParams.defaults(4, 7));
    byte[] code = new byte[q.codeBytes()];
    q.encode(q.mean(), code, 0);
    float[] query = SIFT.get(3);
    RaBitQueryScorer scorer = q.scorer(query);
    float exact = -io.quantpipe.vector.VectorUtil.squareDistance(q.mean(), query);
    assertThat(scorer.score(code, 0)).isCloseTo(exact, within(Math.abs(exact) * 1e-5f));
    assertThat(scorer.bound(code, 0)).isZero();
  }

  @Test
  void badInputIsRefusedNamingTheValue() {
    RaBitQuantizer q = RaBitQuantizer.train(SIFT, Similarity.EUCLIDEAN, RaBitQParams.defaults(4, 7));
    float[] nan = SIFT.get(0);
    nan[5] = Float.NaN;
    assertThatThrownBy(() -> q.encode(nan, new byte[q.codeBytes()], 0)).hasMessage("Cannot encode: dimension 5 is NaN");
    assertThatThrownBy(() -> q.encode(new float[3], new byte[q.codeBytes()], 0))
        .hasMessage("Vector dimension 3 does not match the RABITQ quantizer's dimension 128");
    assertThatThrownBy(() -> new RaBitQParams(0, 4, RaBitQParams.ScaleSearch.FIXED, 1))
        .hasMessage("RaBitQ supports 1 to 8 bits per dimension; bits=0");
    assertThatThrownBy(() -> new RaBitQParams(4, 4, null, 1)).hasMessage("RaBitQ needs a scale search (EXACT or FIXED)");
    assertThatThrownBy(() -> new RaBitQuantizer(Similarity.DOT, new float[8], HadamardRotation.generate(8, 4, 1), 4,
        RaBitQParams.ScaleSearch.FIXED, 0f))
        .hasMessage("RaBitQ fixed scale must be positive for the fixed search above one bit and 0 otherwise; "
            + "scale=0.0, search=fixed, bits=4");
    assertThatThrownBy(() -> q.scorer(SIFT.get(0), -1f))
        .hasMessage("The error bound's multiple must be finite and not negative; epsilon=-1.0");
  }
}
