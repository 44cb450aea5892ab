package io.quantpipe.eval;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantpipe.TestData;
import io.quantpipe.strategy.Strategy;
import io.quantpipe.strategy.TrainingOptions;
import io.quantpipe.vector.Similarity;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The evaluator searches pq4 with the fast scan, and its recall is the plain ADC scan's: floors
 * a little under the measured figures (docs/quantizers.md), FAISS's PQ&lt;M&gt;x4fs in the comments.
 */
class Pq4EvaluationTest {

  private static EvalResult run(Path data, Similarity sim, String strategy) throws IOException {
    Dataset dataset = Dataset.load(data, sim, 10, 2);
    TrainingOptions training = new TrainingOptions(42, 0, 25, 50_000, 10_000, true, 2);
    return new StrategyEvaluator(dataset, new EvalOptions(sim, 10, 4, 0, 1, training)).evaluate(Strategy.parse(strategy), null);
  }

  @Test
  void siftsmallFastScanRecall() throws IOException {
    EvalResult r = run(TestData.siftsmall(), Similarity.EUCLIDEAN, "pq4");
    assertThat(r.recallAt(10)).isGreaterThanOrEqualTo(0.48); // measured 0.501; FAISS PQ16x4fs 0.483
    assertThat(r.params()).containsEntry("scan", "fast_scan_uint8_lut").containsKey("exact_reranks_per_query");
  }

  @Test
  void minilmFastScanRecallAndItsHybrid() throws IOException {
    assertThat(run(TestData.minilm(), Similarity.DOT, "pq4").recallAt(10)).isGreaterThanOrEqualTo(0.55); // 0.566; FAISS 0.574
    assertThat(run(TestData.minilm(), Similarity.DOT, "hybrid-pq4").recallAt(10)).isGreaterThanOrEqualTo(0.87); // 0.891
  }
}
