package io.quantpipe.search;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantpipe.TestData;
import io.quantpipe.eval.Dataset;
import io.quantpipe.eval.RetrievalMetrics;
import io.quantpipe.quant.EncodedVectors;
import io.quantpipe.quant.rabitq.RaBitQParams;
import io.quantpipe.quant.rabitq.RaBitQueryScorer;
import io.quantpipe.quant.rabitq.RaBitQuantizer;
import io.quantpipe.vector.Similarity;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * RaBitQ's bound-driven search on real data, k = 10: the pruned scan answers as a full scan of the
 * B-bit estimates does while reading few codes' extra bit-planes, and bound-driven rescoring reaches
 * the recall of a fixed oversample with the float32 reads reported beside it.
 */
class RaBitQSearcherTest {
  private static final int K = 10;

  private static Dataset load(String data, Similarity sim) throws IOException {
    Path dir = data.equals("siftsmall") ? TestData.siftsmall() : TestData.minilm();
    return Dataset.load(dir, sim, K, 2);
  }

  private static double recall(Dataset dataset, Function<float[], SearchResult> search) {
    double sum = 0;
    for (int q = 0; q < dataset.queries().count(); q++) {
      sum += RetrievalMetrics.recall(search.apply(dataset.queries().get(q)).ids(), dataset.groundTruth()[q], K);
    }
    return sum / dataset.queries().count();
  }

  @ParameterizedTest(name = "{0} B={2}")
  @CsvSource({"minilm-384, ip, 4", "siftsmall, l2, 4", "minilm-384, ip, 2"})
  void prunedScanAnswersAsTheFullScanReadingFewExtraBits(String data, String metric, int bits) throws IOException {
    Similarity sim = Similarity.fromCliName(metric);
    Dataset dataset = load(data, sim);
    EncodedVectors codes = RaBitQuantizer.train(dataset.base(), sim, RaBitQParams.defaults(bits, 42)).encodeAll(dataset.base());
    QuantizedSearcher full = new QuantizedSearcher(codes, 0);
    RaBitQSearcher pruned = new RaBitQSearcher(codes, null, 0, RaBitQueryScorer.DEFAULT_EPSILON);
    double fullRecall = recall(dataset, q -> full.search(q, K));
    double prunedRecall = recall(dataset, q -> pruned.search(q, K));
    double extraShare = pruned.extraReads() / (double) pruned.searches() / codes.count();
    System.out.printf("%s B=%d: full scan %.4f, pruned %.4f reading %.1f%% of the extra bit-planes%n", data, bits,
        fullRecall, prunedRecall, 100 * extraShare);
    assertThat(prunedRecall).isGreaterThanOrEqualTo(fullRecall - 0.005);
    assertThat(extraShare).isLessThan(0.15);
  }

  @ParameterizedTest(name = "{0} B={2} eps={3}")
  @CsvSource({"minilm-384, ip, 1, 2.6", "minilm-384, ip, 1, 1.9", "minilm-384, ip, 1, 1.6", "minilm-384, ip, 1, 1.3",
      "minilm-384, ip, 4, 2.6", "minilm-384, ip, 4, 1.9", "siftsmall, l2, 1, 2.6", "siftsmall, l2, 1, 1.9",
      "siftsmall, l2, 4, 2.6", "siftsmall, l2, 4, 1.9"})
  void boundDrivenRescoringAgainstAFixedOversample(String data, String metric, int bits, float epsilon) throws IOException {
    Similarity sim = Similarity.fromCliName(metric);
    Dataset dataset = load(data, sim);
    EncodedVectors codes = RaBitQuantizer.train(dataset.base(), sim, RaBitQParams.defaults(bits, 42)).encodeAll(dataset.base());
    ExactSearcher exact = new ExactSearcher(dataset.base(), sim);
    RaBitQSearcher bounded = new RaBitQSearcher(codes, exact, 0, epsilon);
    double boundedRecall = recall(dataset, q -> bounded.search(q, K));
    double reads = bounded.floatReads() / (double) bounded.searches();
    StringBuilder fixed = new StringBuilder();
    double fourX = 0;
    for (int oversample : new int[] {4, 8, 16}) {
      RescoringSearcher rescoring = new RescoringSearcher(new RaBitQSearcher(codes, null, 0, epsilon), exact, oversample, 0);
      double r = recall(dataset, q -> rescoring.search(q, K));
      fourX = oversample == 4 ? r : fourX;
      fixed.append(String.format(" %dx (%d reads) %.4f", oversample, K * oversample, r));
    }
    System.out.printf("%s B=%d eps=%.1f: bounded %.4f with %.1f float reads/query; fixed%s%n", data, bits, epsilon,
        boundedRecall, reads, fixed);
    if (epsilon >= RaBitQueryScorer.PUBLISHED_EPSILON) { // what hybrid-rabitq-B uses
      assertThat(boundedRecall).isGreaterThanOrEqualTo(bits == 1 ? 0.99 : 0.995);
    }
    if (bits == 4) {
      assertThat(reads).as("float reads per query").isLessThan(4.0 * K);
    }
    if (bits == 1 && epsilon == 1.6f && data.startsWith("minilm")) {
      // On the fixed 4x list's budget of float reads, the bounds pick better candidates.
      assertThat(reads).isLessThanOrEqualTo(4.0 * K);
      assertThat(boundedRecall).isGreaterThan(fourX);
    }
  }
}
