package io.quantpipe.quant.rabitq;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantpipe.TestData;
import io.quantpipe.eval.Dataset;
import io.quantpipe.eval.RetrievalMetrics;
import io.quantpipe.search.QuantizedSearcher;
import io.quantpipe.vector.Similarity;
import java.io.IOException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The fixed scale (one constant per (d, B), O(d) per vector) ranks as well as the exact per-vector
 * search (O(d·2^B·log d)) on real data: recall@10 of a full scan of the codes within 0.01 of each
 * other. With RaBitQEncodeCostTest's encode times, this is why strategies train with the fixed
 * scale.
 */
class RaBitQScaleSearchRecallTest {

  @ParameterizedTest(name = "{0} B={2}")
  @CsvSource({"minilm-384, ip, 2", "minilm-384, ip, 4", "siftsmall, l2, 4"})
  void fixedScaleRecallMatchesTheExactSearch(String data, String metric, int bits) throws IOException {
    Similarity sim = Similarity.fromCliName(metric);
    Dataset dataset = Dataset.load(data.equals("siftsmall") ? TestData.siftsmall() : TestData.minilm(), sim, 10, 2);
    double exact = recall(dataset, RaBitQuantizer.train(dataset.base(), sim,
        new RaBitQParams(bits, 4, RaBitQParams.ScaleSearch.EXACT, 42)));
    double fixed = recall(dataset, RaBitQuantizer.train(dataset.base(), sim,
        new RaBitQParams(bits, 4, RaBitQParams.ScaleSearch.FIXED, 42)));
    System.out.printf("%s B=%d recall@10: exact scale %.4f, fixed scale %.4f%n", data, bits, exact, fixed);
    assertThat(fixed).isCloseTo(exact, org.assertj.core.api.Assertions.within(0.01));
  }

  static double recall(Dataset dataset, RaBitQuantizer q) {
    QuantizedSearcher searcher = new QuantizedSearcher(q.encodeAll(dataset.base()), 0);
    double sum = 0;
    for (int i = 0; i < dataset.queries().count(); i++) {
      sum += RetrievalMetrics.recall(searcher.search(dataset.queries().get(i), 10).ids(), dataset.groundTruth()[i], 10);
    }
    return sum / dataset.queries().count();
  }
}
