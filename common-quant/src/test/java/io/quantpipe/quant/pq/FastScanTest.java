package io.quantpipe.quant.pq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quantpipe.TestData;
import io.quantpipe.quant.EncodedVectors;
import io.quantpipe.quant.fastscan.FastScanCodes;
import io.quantpipe.quant.fastscan.FastScanLut;
import io.quantpipe.search.FastScanSearcher;
import io.quantpipe.search.QuantizedSearcher;
import io.quantpipe.search.SearchResult;
import io.quantpipe.vector.FloatVectors;
import io.quantpipe.vector.Similarity;
import io.quantpipe.vector.VectorUtil;
import org.junit.jupiter.api.Test;

/**
 * Fast-scan codes hold the packed codes, quantized-table scores stay within the stated bound of the
 * exact ADC scores, and the fast-scan searcher returns the plain ADC scan's top k exactly.
 */
class FastScanTest {
  private static final FloatVectors SIFT = TestData.siftBase(3001); // not a multiple of 32: a padded last block

  private static ProductQuantizer pq4(FloatVectors data, Similarity sim, int m) {
    return PqTrainer.train(data.prepared(sim), sim, new PqParams(m, PqParams.KSUB_4BIT, 4, 3), 1, 1);
  }

  @Test
  void fastScanLayoutHoldsEveryPackedCode() {
    ProductQuantizer pq = pq4(SIFT, Similarity.EUCLIDEAN, 16);
    EncodedVectors encoded = pq.encodeAll(SIFT);
    FastScanCodes fast = FastScanCodes.of(encoded);
    assertThat(fast.blocks()).isEqualTo(94);
    assertThat(fast.bytes()).isEqualTo(94L * 32 * 8);
    byte[] code = new byte[8];
    for (int v = 0; v < SIFT.count(); v++) {
      fast.packedCode(v, code, 0);
      assertThat(code).isEqualTo(encoded.get(v));
    }
    ProductQuantizer pq8 = PqTrainer.train(SIFT, Similarity.EUCLIDEAN, new PqParams(16, 1, 1), 1, 1);
    assertThatThrownBy(() -> FastScanCodes.of(pq8.encodeAll(SIFT.slice(0, 10))))
        .hasMessageStartingWith("Fast scan needs 4-bit PQ codes (ksub 16)");
  }

  @Test
  void quantizedScoresAreWithinTheStatedBoundOfExactAdc() {
    for (Similarity sim : new Similarity[] {Similarity.EUCLIDEAN, Similarity.DOT}) {
      ProductQuantizer pq = pq4(SIFT, sim, 16);
      EncodedVectors encoded = pq.encodeAll(SIFT);
      FastScanCodes fast = FastScanCodes.of(encoded);
      for (int q = 0; q < 5; q++) {
        DistanceTable exact = (DistanceTable) pq.scorer(SIFT.get(3000 - q));
        FastScanLut lut = FastScanLut.quantize(exact.subspaceTable(), exact.negated());
        int[] sums = new int[32 * fast.blocks()];
        VectorUtil.fastScan(lut.table(), fast.data(), 0, 16, fast.blocks(), sums);
        float[] scores = new float[SIFT.count()];
        exact.scoreAll(encoded.codes(), 0, 8, SIFT.count(), scores);
        float bound = lut.errorBound();
        for (int v = 0; v < SIFT.count(); v++) {
          float approx = -lut.cost(sums[v]); // scores are negated costs
          float slack = Math.ulp(Math.abs(scores[v])) * 32; // float rounding of the exact sums
          assertThat(Math.abs(approx - scores[v])).as("%s query %d vector %d", sim, q, v).isLessThanOrEqualTo(bound + slack);
        }
        assertThat(bound).isGreaterThan(0);
      }
    }
  }

  @Test
  void reRankedTopKEqualsThePlainAdcScan() {
    for (Similarity sim : new Similarity[] {Similarity.EUCLIDEAN, Similarity.DOT}) {
      ProductQuantizer pq = pq4(SIFT, sim, 16);
      EncodedVectors encoded = pq.encodeAll(SIFT);
      FastScanSearcher fast = new FastScanSearcher(encoded, 0);
      QuantizedSearcher plain = new QuantizedSearcher(encoded, 0);
      for (int q = 0; q < 40; q++) {
        float[] query = SIFT.get((q * 37) % SIFT.count());
        for (int k : new int[] {1, 10, 100}) {
          SearchResult a = fast.search(query, k);
          SearchResult b = plain.search(query, k);
          assertThat(a.ids()).as("%s query %d k %d", sim, q, k).isEqualTo(b.ids());
          assertThat(a.scores()).isEqualTo(b.scores());
        }
      }
      assertThat(fast.candidatesPerSearch()).isLessThan(SIFT.count() / 4.0);
      assertThat(fast.memoryBytes()).isLessThanOrEqualTo(encoded.bytes() + 16L * 32);
    }
  }

  @Test
  void reRankedTopKEqualsThePlainAdcScanOnSentenceEmbeddings() {
    FloatVectors minilm = TestData.minilmBase(2000);
    ProductQuantizer pq = pq4(minilm, Similarity.DOT, 48);
    EncodedVectors encoded = pq.encodeAll(minilm);
    FastScanSearcher fast = new FastScanSearcher(encoded, 0);
    QuantizedSearcher plain = new QuantizedSearcher(encoded, 0);
    for (int q = 0; q < 20; q++) {
      float[] query = minilm.get(q * 97);
      assertThat(fast.search(query, 10).ids()).isEqualTo(plain.search(query, 10).ids());
    }
    assertThat(fast.search(minilm.get(0), 5000).size()).isEqualTo(2000);
  }
}
