package io.quantpipe.quant.pq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.quantpipe.TestData;
import io.quantpipe.quant.CodeScorer;
import io.quantpipe.vector.FloatVectors;
import io.quantpipe.vector.Similarity;
import io.quantpipe.vector.VectorUtil;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** 4-bit PQ ({@code ksub = 16}): packing, nearest-centroid encoding, decoding and ADC scores. */
class ProductQuantizer4BitTest {
  private static final FloatVectors SIFT = TestData.siftBase(2000);

  @Test
  void packsTwoSubspacesPerByteLowNibbleFirst() {
    ProductQuantizer pq = PqTrainer.train(SIFT, Similarity.EUCLIDEAN, new PqParams(16, 16, 4, 1), 1, 1);
    assertThat(pq.codeBytes()).isEqualTo(8);
    assertThat(pq.ksub()).isEqualTo(16);
    assertThat(pq.codebook(0)).hasSize(16 * 8);
    byte[] code = new byte[8];
    for (int i = 0; i < 50; i++) {
      float[] v = SIFT.get(i);
      pq.encode(v, code, 0);
      float[] decoded = pq.decode(code, 0);
      for (int j = 0; j < 16; j++) {
        int b = code[j / 2] & 0xFF;
        int chosen = j % 2 == 0 ? b & 15 : b >>> 4;
        assertThat(pq.centroid(code, 0, j)).isEqualTo(chosen);
        float[] book = pq.codebook(j);
        float best = VectorUtil.squareDistance(v, j * 8, book, chosen * 8, 8);
        for (int c = 0; c < 16; c++) {
          assertThat(VectorUtil.squareDistance(v, j * 8, book, c * 8, 8)).isGreaterThanOrEqualTo(best - 1e-2f);
        }
        assertThat(Arrays.copyOfRange(decoded, j * 8, j * 8 + 8)).isEqualTo(Arrays.copyOfRange(book, chosen * 8, chosen * 8 + 8));
      }
    }
  }

  @Test
  void oddSubspaceCountLeavesTheLastHighNibbleZero() {
    FloatVectors v = SIFT.slice(0, 500);
    ProductQuantizer pq = PqTrainer.train(v, Similarity.EUCLIDEAN, new PqParams(1, 16, 2, 3), 1, 1);
    assertThat(pq.codeBytes()).isEqualTo(1);
    byte[] codes = new byte[500];
    Arrays.fill(codes, (byte) 0xFF); // stale bytes must be overwritten, not OR-ed into
    pq.encodeBlock(v.data(), 0, 500, codes, 0);
    for (byte b : codes) {
      assertThat(b & 0xF0).isZero();
    }
  }

  @Test
  void adcScoreIsTheDistanceToTheDecodedVector() {
    for (Similarity sim : new Similarity[] {Similarity.EUCLIDEAN, Similarity.DOT}) {
      ProductQuantizer pq = PqTrainer.train(SIFT, sim, new PqParams(16, 16, 4, 1), 1, 1);
      float[] query = SIFT.get(1999);
      CodeScorer scorer = pq.scorer(query);
      byte[] codes = pq.encodeAll(SIFT.slice(0, 64)).codes();
      float[] all = new float[64];
      scorer.scoreAll(codes, 0, 8, 64, all);
      for (int i = 0; i < 64; i++) {
        float[] x = pq.decode(codes, i * 8);
        float expected = sim == Similarity.EUCLIDEAN ? -VectorUtil.squareDistance(query, x) : VectorUtil.dot(query, x);
        assertThat(scorer.score(codes, i * 8)).isEqualTo(all[i]).isCloseTo(expected, within(Math.abs(expected) * 1e-4f + 1e-2f));
      }
    }
  }

  @Test
  void blockEncodingMatchesOneAtATimeAndIsDeterministic() {
    ProductQuantizer a = PqTrainer.train(SIFT, Similarity.EUCLIDEAN, new PqParams(16, 16, 5, 9), 1, 1);
    ProductQuantizer b = PqTrainer.train(SIFT, Similarity.EUCLIDEAN, new PqParams(16, 16, 5, 9), 5, 2);
    byte[] block = a.encodeAll(SIFT.slice(3, 104)).codes();
    assertThat(b.encodeAll(SIFT.slice(3, 104)).codes()).isEqualTo(block);
    byte[] one = new byte[8];
    for (int i = 0; i < 101; i++) {
      a.encode(SIFT.get(3 + i), one, 0);
      assertThat(Arrays.copyOfRange(block, i * 8, i * 8 + 8)).isEqualTo(one);
    }
  }

  @Test
  void rejectsOtherCentroidCounts() {
    assertThatThrownBy(() -> new PqParams(16, 64, 1, 1)).hasMessageContaining("ksub").hasMessageContaining("64");
    assertThatThrownBy(() -> new ProductQuantizer(Similarity.EUCLIDEAN, 16, 16, new float[][] {new float[256 * 16]}))
        .hasMessageContaining("expected 16 centroids x 16 dims");
    assertThat(new PqParams(8, 1, 1)).isEqualTo(new PqParams(8, PqParams.KSUB, 1, 1));
  }
}
