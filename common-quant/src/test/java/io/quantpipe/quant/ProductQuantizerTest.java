package io.quantpipe.quant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.quantpipe.TestData;
import io.quantpipe.format.QuantizerCodec;
import io.quantpipe.quant.pq.PqParams;
import io.quantpipe.quant.pq.PqTrainer;
import io.quantpipe.quant.pq.ProductQuantizer;
import io.quantpipe.vector.FloatVectors;
import io.quantpipe.vector.Similarity;
import io.quantpipe.vector.VectorUtil;
import org.junit.jupiter.api.Test;

class ProductQuantizerTest {
  private static final FloatVectors SIFT = TestData.siftBase(2000);

  @Test
  void perfectReconstructionWhenEveryPointIsACentroid() {
    FloatVectors points = SIFT.slice(0, 256); // 256 distinct SIFT vectors: k-means++ picks each once
    ProductQuantizer pq = PqTrainer.train(points, Similarity.EUCLIDEAN, new PqParams(8, 5, 1), 1, 1);
    byte[] code = new byte[pq.codeBytes()];
    for (int i = 0; i < 256; i++) {
      pq.encode(points.get(i), code, 0);
      assertThat(pq.decode(code, 0)).isEqualTo(points.get(i));
    }
  }

  @Test
  void encodingPicksTheNearestCentroidAndAdcMatchesDecodedDistance() {
    ProductQuantizer pq = PqTrainer.train(SIFT, Similarity.EUCLIDEAN, new PqParams(16, 4, 1), 2, 2);
    float[] query = SIFT.get(1999);
    CodeScorer scorer = pq.scorer(query);
    byte[] code = new byte[16];
    for (int i = 0; i < 50; i++) {
      float[] v = SIFT.get(i);
      pq.encode(v, code, 0);
      for (int j = 0; j < 16; j++) {
        float[] book = pq.codebook(j);
        int chosen = code[j] & 0xFF;
        float best = VectorUtil.squareDistance(v, j * 8, book, chosen * 8, 8);
        for (int c = 0; c < 256; c++) {
          assertThat(VectorUtil.squareDistance(v, j * 8, book, c * 8, 8)).isGreaterThanOrEqualTo(best - 1e-2f);
        }
      }
      float expected = -VectorUtil.squareDistance(query, pq.decode(code, 0));
      assertThat(scorer.score(code, 0)).isCloseTo(expected, within(Math.abs(expected) * 1e-5f));
    }
  }

  /** The block API (what Spark and the stream call) gives every vector the code a lone encode gives. */
  @Test
  void encodingABlockGivesTheCodesOfOneVectorAtATime() {
    for (Similarity sim : new Similarity[] {Similarity.EUCLIDEAN, Similarity.COSINE}) {
      ProductQuantizer pq = PqTrainer.train(SIFT, sim, new PqParams(16, 3, 5), 1, 1);
      int count = 101; // three full blocks of 32 and a partial one
      byte[] block = new byte[count * 16];
      pq.encodeBlock(SIFT.data(), 7 * 128, count, block, 0);
      byte[] one = new byte[16];
      for (int i = 0; i < count; i++) {
        pq.encode(SIFT.get(7 + i), one, 0);
        assertThat(java.util.Arrays.copyOfRange(block, i * 16, (i + 1) * 16)).as("%s vector %d", sim, i).isEqualTo(one);
      }
      assertThat(pq.encodeAll(SIFT.slice(7, 7 + count)).codes()).isEqualTo(block);
    }
    ProductQuantizer pq = PqTrainer.train(SIFT, Similarity.EUCLIDEAN, new PqParams(16, 3, 5), 1, 1);
    float[] vectors = SIFT.slice(0, 40).data().clone();
    vectors[37 * 128 + 5] = Float.NaN;
    assertThatThrownBy(() -> pq.encodeBlock(vectors, 0, 40, new byte[40 * 16], 0))
        .hasMessageContaining("Vector 37 of the block").hasMessageContaining("dimension 5 is NaN");
  }

  @Test
  void sameSeedGivesIdenticalBytesForOneOrSevenPartitions() {
    ProductQuantizer one = PqTrainer.train(SIFT, Similarity.EUCLIDEAN, new PqParams(16, 6, 77), 1, 1);
    ProductQuantizer seven = PqTrainer.train(SIFT, Similarity.EUCLIDEAN, new PqParams(16, 6, 77), 7, 2);
    assertThat(QuantizerCodec.toBytes(seven, "{}")).isEqualTo(QuantizerCodec.toBytes(one, "{}"));
    ProductQuantizer otherSeed = PqTrainer.train(SIFT, Similarity.EUCLIDEAN, new PqParams(16, 6, 78), 1, 1);
    assertThat(QuantizerCodec.toBytes(otherSeed, "{}")).isNotEqualTo(QuantizerCodec.toBytes(one, "{}"));
  }

  @Test
  void lloydIterationsReduceQuantizationError() {
    double before = mse(PqTrainer.train(SIFT, Similarity.EUCLIDEAN, new PqParams(16, 0, 3), 1, 1));
    double after = mse(PqTrainer.train(SIFT, Similarity.EUCLIDEAN, new PqParams(16, 10, 3), 1, 1));
    assertThat(after).isLessThan(before * 0.95);
  }

  private static double mse(ProductQuantizer pq) {
    double sum = 0;
    byte[] code = new byte[pq.codeBytes()];
    for (int i = 0; i < SIFT.count(); i++) {
      pq.encode(SIFT.get(i), code, 0);
      sum += VectorUtil.squareDistance(SIFT.get(i), pq.decode(code, 0));
    }
    return sum / SIFT.count();
  }

  @Test
  void refusesFewerSamplesThanCentroidsAndBadM() {
    assertThatThrownBy(() -> PqTrainer.train(SIFT.slice(0, 100), Similarity.EUCLIDEAN, new PqParams(16, 1, 1), 1, 1))
        .hasMessage("Cannot train PQ: 100 training vectors is fewer than the 256 centroids per subspace");
    assertThatThrownBy(() -> PqTrainer.train(SIFT, Similarity.EUCLIDEAN, new PqParams(12, 1, 1), 1, 1))
        .hasMessage("Cannot split dimension 128 into 12 PQ subspaces: m must divide the dimension");
    assertThat(PqParams.defaultM(384)).isEqualTo(48);
    assertThat(PqParams.defaultM(100)).isEqualTo(10);
    assertThat(PqParams.defaultM(1536)).isEqualTo(192);
  }
}
