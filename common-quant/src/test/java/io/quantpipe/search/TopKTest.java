package io.quantpipe.search;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantpipe.TestData;
import io.quantpipe.eval.GroundTruth;
import io.quantpipe.vector.FloatVectors;
import io.quantpipe.vector.FvecsReader;
import io.quantpipe.vector.Similarity;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class TopKTest {

  @Test
  void keepsBestScoresBestFirstAndBreaksTiesByLowerId() {
    TopK top = new TopK(3);
    float[] scores = {0.5f, 0.9f, 0.1f, 0.9f, 0.7f, 0.9f};
    for (int i = 0; i < scores.length; i++) {
      top.offer(i, scores[i]);
    }
    SearchResult r = top.drain();
    assertThat(r.ids()).containsExactly(1, 3, 5);
    assertThat(r.scores()).containsExactly(0.9f, 0.9f, 0.9f);
  }

  /** Exact search reproduces the dataset's float64 ground truth (ties aside): recall@10 of exact search is 1. */
  @Test
  void exactSearchMatchesShippedGroundTruth() throws IOException {
    FloatVectors base = FvecsReader.readFvecs(TestData.siftsmall().resolve("base.fvecs"));
    FloatVectors queries = FvecsReader.readFvecs(TestData.siftsmall().resolve("query.fvecs"));
    int[][] shipped = FvecsReader.readIvecs(TestData.siftsmall().resolve("groundtruth.ivecs"));
    int[][] computed = GroundTruth.compute(base, queries, Similarity.EUCLIDEAN, 10, 2);
    for (int q = 0; q < queries.count(); q++) {
      assertThat(io.quantpipe.eval.RetrievalMetrics.recall(computed[q], shipped[q], 10)).isEqualTo(1.0);
    }
  }
}
