package io.quantpipe.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quantpipe.TestData;
import io.quantpipe.eval.GroundTruth;
import io.quantpipe.vector.FloatVectors;
import io.quantpipe.vector.FvecsReader;
import io.quantpipe.vector.Similarity;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ExactKnnTest {

  /**
   * The blocked scan returns exactly the ids of the query-by-query scan, at depth 100, on real data
   * for every similarity, and the same ids whichever way the corpus is split and merged (37 queries:
   * one full group and a partial one).
   */
  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({"siftsmall, EUCLIDEAN", "minilm-384, DOT", "minilm-384, COSINE", "minilm-384, EUCLIDEAN"})
  void equalsTheQueryByQueryScanWhateverTheSplit(String dataset, Similarity similarity) throws IOException {
    Path dir = dataset.equals("siftsmall") ? TestData.siftsmall() : TestData.minilm();
    FloatVectors base = FvecsReader.readFvecs(dir.resolve("base.fvecs"));
    FloatVectors queries = FvecsReader.readFvecs(dir.resolve("query.fvecs")).slice(0, 37);
    int k = 100;
    ExactSearcher scan = new ExactSearcher(base, similarity);

    ExactKnn whole = new ExactKnn(queries, similarity, k);
    whole.add(base.data(), 0, base.count(), ordinals(0, base.count()));
    int split = 3_333; // two "tasks" whose lists merge
    ExactKnn first = new ExactKnn(queries, similarity, k);
    first.add(base.data(), 0, split, ordinals(0, split));
    ExactKnn second = new ExactKnn(queries, similarity, k);
    second.add(base.data(), base.offset(split), base.count() - split, ordinals(split, base.count()));
    for (int q = 0; q < queries.count(); q++) {
      long[] expected = Arrays.stream(scan.search(queries.get(q), k).ids()).asLongStream().toArray();
      assertThat(whole.lists()[q].ids(k)).as("query %d", q).containsExactly(expected);
      second.lists()[q].merge(first.lists()[q]);
      assertThat(second.lists()[q].ids(k)).as("query %d, merged", q).containsExactly(expected);
    }
    int[][] truth = GroundTruth.compute(base, queries, similarity, 10, 3);
    assertThat(truth[36]).containsExactly(scan.search(queries.get(36), 10).ids());
  }

  @Test
  void refusesBlocksThatDoNotFitAndABadK() {
    FloatVectors queries = TestData.siftBase(3);
    assertThatThrownBy(() -> new ExactKnn(queries, Similarity.EUCLIDEAN, 0)).hasMessageContaining("k must be positive");
    ExactKnn knn = new ExactKnn(queries, Similarity.EUCLIDEAN, 5);
    assertThatThrownBy(() -> knn.add(new float[128 * 4], 128, 4, new long[4])).hasMessageContaining("do not fit");
    assertThatThrownBy(() -> knn.add(new float[128 * 4], 0, 4, new long[3])).hasMessageContaining("3 ids");
  }

  private static long[] ordinals(int from, int to) {
    long[] ids = new long[to - from];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = from + i;
    }
    return ids;
  }
}
