package io.quantpipe.hnsw;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quantpipe.TestData;
import io.quantpipe.eval.Dataset;
import io.quantpipe.eval.RetrievalMetrics;
import io.quantpipe.search.SearchResult;
import io.quantpipe.vector.FloatVectors;
import io.quantpipe.vector.Similarity;
import java.io.IOException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class HnswBuilderTest {
  private static Dataset sift;

  @BeforeAll
  static void load() throws IOException {
    sift = Dataset.load(TestData.siftsmall(), Similarity.EUCLIDEAN, 10, 2);
  }

  static double recall(HnswGraph graph, ScorerSupplier scorers, FloatVectors queries, int[][] truth, int ef) {
    HnswSearcher searcher = new HnswSearcher();
    double sum = 0;
    for (int q = 0; q < queries.count(); q++) {
      SearchResult r = searcher.search(graph, scorers.scorer(queries.get(q)), 10, ef, null);
      sum += RetrievalMetrics.recall(r.ids(), truth[q], 10);
    }
    return sum / queries.count();
  }

  @Test
  void graphOnSiftsmallFindsTheTrueNeighbours() throws Exception {
    FloatScorerSupplier scorers = new FloatScorerSupplier(sift.base(), Similarity.EUCLIDEAN);
    OnHeapHnswGraph graph = new HnswBuilder(scorers, new HnswConfig(16, 100, 42)).build(1);
    assertThat(recall(graph, scorers, sift.queries(), sift.groundTruth(), 64)).isGreaterThan(0.97);
    assertThat(recall(graph, scorers, sift.queries(), sift.groundTruth(), 10)).isGreaterThan(0.80);
  }

  @Test
  void multiThreadedBuildIsAsGood() throws Exception {
    FloatScorerSupplier scorers = new FloatScorerSupplier(sift.base(), Similarity.EUCLIDEAN);
    OnHeapHnswGraph graph = new HnswBuilder(scorers, new HnswConfig(16, 100, 42)).build(2);
    assertThat(recall(graph, scorers, sift.queries(), sift.groundTruth(), 64)).isGreaterThan(0.97);
    int[] buf = new int[32];
    for (int node = 0; node < graph.size(); node++) {
      int count = graph.neighbors(0, node, buf);
      assertThat(count).isBetween(1, 32);
      for (int i = 0; i < count; i++) {
        assertThat(buf[i]).isBetween(0, graph.size() - 1).isNotEqualTo(node);
      }
    }
  }

  @Test
  void levelsDependOnlyOnTheSeed() {
    HnswConfig config = new HnswConfig(16, 100, 7);
    assertThat(HnswBuilder.drawLevels(10_000, config)).isEqualTo(HnswBuilder.drawLevels(10_000, config));
    assertThat(HnswBuilder.drawLevels(10_000, config))
        .isNotEqualTo(HnswBuilder.drawLevels(10_000, new HnswConfig(16, 100, 8)));
  }

  @Test
  void rejectsBadParameters() {
    assertThatThrownBy(() -> new HnswConfig(1, 100, 0)).hasMessageContaining("m=1");
    assertThatThrownBy(() -> new HnswConfig(16, 0, 0)).hasMessageContaining("efConstruction=0");
    FloatVectors empty = new FloatVectors(new float[0], 4);
    assertThatThrownBy(() -> new HnswBuilder(new FloatScorerSupplier(empty, Similarity.DOT), new HnswConfig(16, 100, 0)))
        .hasMessageContaining("no vectors");
  }
}
