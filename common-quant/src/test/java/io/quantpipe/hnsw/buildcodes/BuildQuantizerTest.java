package io.quantpipe.hnsw.buildcodes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quantpipe.TestData;
import io.quantpipe.hnsw.FloatScorerSupplier;
import io.quantpipe.quant.QueryScorer;
import io.quantpipe.vector.FloatVectors;
import io.quantpipe.vector.Similarity;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BuildQuantizerTest {

  /** Error of the symmetric code×code score against the exact float score, over seeded random pairs. */
  private static double[] errors(FloatVectors base, Similarity similarity, int bits) {
    FloatScorerSupplier exact = new FloatScorerSupplier(base, similarity);
    BuildCodes codes = BuildQuantizer.train(exact.vectors(), similarity.kernel(), bits).encodeAll(exact.vectors());
    BuildCodeScorers approx = new BuildCodeScorers(codes, similarity);
    SplittableRandom random = new SplittableRandom(7);
    double max = 0;
    double sum = 0;
    double spread = 0;
    int pairs = 20_000;
    for (int p = 0; p < pairs; p++) {
      int a = random.nextInt(base.count());
      int b = random.nextInt(base.count());
      float e = exact.scorer(a).score(b);
      double err = Math.abs(approx.scorer(a).score(b) - e);
      max = Math.max(max, err);
      sum += err;
      spread += Math.abs(e);
    }
    return new double[] {max, sum / pairs, spread / pairs};
  }

  @ParameterizedTest
  @ValueSource(ints = {7, 8})
  void codeScoresTrackInnerProductsOfMiniLm(int bits) {
    double[] e = errors(TestData.minilmBase(10_000), Similarity.DOT, bits);
    // Unit vectors, inner products mostly in [0, 0.6]: int8 codes err by ~1e-3 on average.
    double meanBound = bits == 8 ? 2e-3 : 4e-3;
    assertThat(e[1]).isLessThan(meanBound);
    assertThat(e[0]).isLessThan(10 * meanBound);
  }

  @Test
  void codeScoresTrackL2DistancesOfSift() {
    double[] e = errors(TestData.siftBase(10_000), Similarity.EUCLIDEAN, 8);
    // SIFT's dimensions share one interval badly (many near 0, a few up to ~150): the mean error is
    // still under half a percent of a typical squared distance (~3e5), the worst of 20,000 pairs ~8%.
    assertThat(e[1]).isLessThan(0.005 * e[2]);
    assertThat(e[0]).isLessThan(0.1 * e[2]);
  }

  @Test
  void anOutsideQueryScoresAsItsOwnCodeWould() {
    FloatVectors base = TestData.minilmBase(2000);
    BuildCodes codes = BuildQuantizer.train(base, Similarity.DOT, 8).encodeAll(base);
    BuildCodeScorers scorers = new BuildCodeScorers(codes, Similarity.DOT);
    QueryScorer own = scorers.scorer(17);
    QueryScorer outside = scorers.scorer(base.get(17));
    for (int i = 0; i < base.count(); i += 13) {
      assertThat(outside.score(i)).isEqualTo(own.score(i));
    }
  }

  /** A neighbour list scored in one call gives, bit for bit, each ordinal's own score (both widths). */
  @ParameterizedTest
  @ValueSource(ints = {7, 8})
  void batchScoresEqualOneCallEach(int bits) {
    FloatVectors base = TestData.minilmBase(2000);
    BuildCodes codes = BuildQuantizer.train(base, Similarity.DOT, bits).encodeAll(base);
    BuildCodeScorers scorers = new BuildCodeScorers(codes, Similarity.DOT);
    QueryScorer scorer = scorers.scorer(5);
    int[] ords = {1999, 0, 7, 7, 1234, 42, 5, 600, 3};
    for (int count = 0; count <= ords.length; count++) {
      float[] out = new float[count];
      scorer.scores(ords, count, out);
      for (int j = 0; j < count; j++) {
        assertThat(out[j]).as("%d of %d", j, count).isEqualTo(scorer.score(ords[j]));
      }
    }
  }

  @Test
  void encodingIsDeterministicAndUsesTheWholeRange() {
    FloatVectors base = TestData.minilmBase(3000);
    BuildQuantizer q = BuildQuantizer.train(base, Similarity.DOT, 7);
    BuildCodes a = q.encodeAll(base);
    BuildCodes b = BuildQuantizer.train(base, Similarity.DOT, 7).encodeAll(base);
    int max = 0;
    for (int i = 0; i < base.count(); i++) {
      assertThat(b.code(i)).isEqualTo(a.code(i));
      assertThat(b.correction(i)).isEqualTo(a.correction(i));
      for (byte c : a.code(i)) {
        max = Math.max(max, c & 0xFF);
      }
    }
    assertThat(max).isEqualTo(127); // 7 bits: the clamped tail reaches the top level, never above
    assertThat(a.bytes()).isEqualTo(3000L * 384 + 4 * 3000);
  }

  @Test
  void rejectsBadParametersNamingTheValue() {
    float[] mean = new float[4];
    assertThatThrownBy(() -> new BuildQuantizer(Similarity.DOT, 4, mean, 0f, 1f)).hasMessageContaining("bits=4");
    assertThatThrownBy(() -> new BuildQuantizer(Similarity.DOT, 8, mean, 0f, 0f)).hasMessageContaining("step=0.0");
    assertThatThrownBy(() -> new BuildQuantizer(Similarity.COSINE, 8, mean, 0f, 1f)).hasMessageContaining("COSINE");
    BuildQuantizer q = new BuildQuantizer(Similarity.DOT, 8, mean, -1f, 0.01f);
    assertThatThrownBy(() -> q.encodeAll(TestData.minilmBase(10)))
        .hasMessage("Vectors of dimension 384 do not match build codes of dimension 4");
    BuildCodes codes = q.encodeAll(new FloatVectors(new float[8], 4));
    assertThatThrownBy(() -> new BuildCodeScorers(codes, Similarity.EUCLIDEAN))
        .hasMessage("Build codes trained for DOT cannot score EUCLIDEAN");
  }
}
