package io.quantpipe.quant.rabitq;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantpipe.TestData;
import io.quantpipe.eval.Dataset;
import io.quantpipe.quant.EncodedVectors;
import io.quantpipe.quant.fastscan.FastScanLut;
import io.quantpipe.search.ExactSearcher;
import io.quantpipe.search.RaBitQSearcher;
import io.quantpipe.search.SearchResult;
import io.quantpipe.vector.Similarity;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The fast-scan 1-bit pass on real data: the re-laid codes rebuild the quantizer's bytes, the
 * kernel's sign sums stay within the quantized table's stated error, the pass's bounds are never
 * below the plain 1-bit bounds, and so searches answer exactly as the plain loop does.
 */
class RaBitQSignBlocksTest {
  private static final int K = 10;

  private static Dataset load(String data, Similarity sim) throws IOException {
    Path dir = data.equals("siftsmall") ? TestData.siftsmall() : TestData.minilm();
    return Dataset.load(dir, sim, K, 2);
  }

  @ParameterizedTest(name = "{0} B={2}")
  @CsvSource({"minilm-384, ip, 1", "minilm-384, ip, 4", "siftsmall, l2, 1", "siftsmall, l2, 3"})
  void sumsStayWithinTheTableErrorAndBoundsNeverFallBelowThePlainOnes(String data, String metric, int bits)
      throws IOException {
    Similarity sim = Similarity.fromCliName(metric);
    Dataset dataset = load(data, sim);
    RaBitQuantizer quantizer = RaBitQuantizer.train(dataset.base(), sim, RaBitQParams.defaults(bits, 7));
    EncodedVectors codes = quantizer.encodeAll(dataset.base());
    RaBitQSignBlocks blocks = RaBitQSignBlocks.of(codes);
    int n = codes.count();
    int b = quantizer.codeBytes();
    assertThat(blocks.bytes()).isLessThanOrEqualTo(codes.bytes() + 32L * b);

    byte[] rebuilt = new byte[b];
    for (int v = 0; v < n; v++) {
      blocks.code(v, rebuilt, 0);
      assertThat(rebuilt).as("code %d", v).isEqualTo(Arrays.copyOfRange(codes.codes(), v * b, (v + 1) * b));
    }

    int[] sums = new int[32 * blocks.blocks()];
    float[] uppers = new float[sums.length];
    float[] estimates = new float[sums.length];
    double worst = 0;
    for (int q = 0; q < 20; q++) {
      RaBitQueryScorer scorer = quantizer.scorer(dataset.queries().get(q));
      FastScanLut lut = scorer.signLut();
      blocks.oneBitUppers(scorer, lut, true, 0, blocks.blocks(), sums, uppers);
      blocks.oneBitUppers(scorer, lut, false, 0, blocks.blocks(), sums, estimates);
      for (int v = 0, off = 0; v < n; v++, off += b) {
        float exactSum = scorer.signSum(codes.codes(), off);
        double error = Math.abs(-lut.cost(sums[v]) - exactSum);
        worst = Math.max(worst, error / lut.errorBound());
        assertThat(error).as("query %d code %d sign sum", q, v).isLessThanOrEqualTo(lut.errorBound() + 1e-4);
        float estimate = scorer.oneBitScore(codes.codes(), off, exactSum);
        assertThat(estimates[v]).as("query %d code %d", q, v).isGreaterThanOrEqualTo(estimate);
        assertThat(uppers[v]).as("query %d code %d", q, v)
            .isGreaterThanOrEqualTo(estimate + scorer.oneBitBound(codes.codes(), off));
      }
    }
    System.out.printf("%s B=%d: worst sign-sum error %.3f of the table's bound%n", data, bits, worst);
  }

  @ParameterizedTest(name = "{0} B={2}")
  @CsvSource({"minilm-384, ip, 1", "minilm-384, ip, 4", "minilm-384, ip, 2", "siftsmall, l2, 1", "siftsmall, l2, 4"})
  void searchesAnswerExactlyAsThePlainLoop(String data, String metric, int bits) throws IOException {
    Similarity sim = Similarity.fromCliName(metric);
    Dataset dataset = load(data, sim);
    EncodedVectors codes = RaBitQuantizer.train(dataset.base(), sim, RaBitQParams.defaults(bits, 42))
        .encodeAll(dataset.base());
    ExactSearcher exact = new ExactSearcher(dataset.base(), sim);
    float eps = RaBitQueryScorer.DEFAULT_EPSILON;
    RaBitQSearcher[][] pairs = {
        {new RaBitQSearcher(codes, null, 0, eps, false), new RaBitQSearcher(codes, null, 0, eps, true)},
        {new RaBitQSearcher(codes, exact, 0, eps, false), new RaBitQSearcher(codes, exact, 0, eps, true)}};
    for (RaBitQSearcher[] pair : pairs) {
      for (int q = 0; q < dataset.queries().count(); q++) {
        float[] query = dataset.queries().get(q);
        SearchResult plain = pair[0].search(query, K);
        SearchResult fast = pair[1].search(query, K);
        assertThat(fast.ids()).as("query %d", q).isEqualTo(plain.ids());
        assertThat(fast.scores()).as("query %d", q).isEqualTo(plain.scores());
      }
      assertThat(pair[1].extraReads()).isEqualTo(pair[0].extraReads());
      assertThat(pair[1].floatReads()).isEqualTo(pair[0].floatReads());
      double share = pair[1].oneBitCandidates() / (double) pair[1].searches() / codes.count();
      System.out.printf("%s B=%d %s: the fast-scan pass kept %.1f%% of the codes%n", data, bits,
          pair[0].floatReads() > 0 ? "rescored" : "codes only", 100 * share);
      assertThat(share).isLessThan(bits == 1 && pair[0].floatReads() == 0 ? 0.5 : 0.3);
    }
  }
}
