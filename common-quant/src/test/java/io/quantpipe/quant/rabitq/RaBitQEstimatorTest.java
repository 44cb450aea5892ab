package io.quantpipe.quant.rabitq;

import static org.assertj.core.api.Assertions.assertThat;

import io.quantpipe.TestData;
import io.quantpipe.quant.EncodedVectors;
import io.quantpipe.vector.FloatVectors;
import io.quantpipe.vector.FvecsReader;
import io.quantpipe.vector.Similarity;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The estimator on real data: over (query, vector) pairs the default error bound (2.6σ) covers at
 * least 99% of true scores and the published ε0 = 1.9 about 94% (a 1.9σ Gaussian interval), and
 * the mean signed error is near zero against its spread (unbiased), for the full B-bit estimate and
 * for the 1-bit estimate read from the same code.
 */
class RaBitQEstimatorTest {

  private static final int VECTORS = 2000;
  private static final int QUERIES = 50;
  private static final double PUBLISHED_RATIO = RaBitQueryScorer.PUBLISHED_EPSILON / RaBitQueryScorer.DEFAULT_EPSILON;

  /** Error statistics of one estimator over all pairs. */
  private static final class Errors {
    long pairs;
    long covered;
    long coveredPublished;
    double sum;
    double sumSq;

    void add(double estimate, double bound, double truth) {
      double err = estimate - truth;
      pairs++;
      covered += Math.abs(err) <= bound ? 1 : 0;
      coveredPublished += Math.abs(err) <= bound * PUBLISHED_RATIO ? 1 : 0;
      sum += err;
      sumSq += err * err;
    }

    double coverage() {
      return covered / (double) pairs;
    }

    double publishedCoverage() {
      return coveredPublished / (double) pairs;
    }

    double meanOverRms() {
      return (sum / pairs) / Math.sqrt(sumSq / pairs);
    }
  }

  @ParameterizedTest(name = "{0} {1} B={2}")
  @CsvSource({"siftsmall, l2, 1", "siftsmall, l2, 4", "minilm-384, ip, 1", "minilm-384, ip, 4", "minilm-384, cosine, 4"})
  void boundCoversNinetyNinePercentAndTheMeanErrorIsNearZero(String data, String metric, int bits) throws IOException {
    Path dir = data.equals("siftsmall") ? TestData.siftsmall() : TestData.minilm();
    Similarity sim = Similarity.fromCliName(metric);
    FloatVectors base = FvecsReader.readFvecs(dir.resolve("base.fvecs"), Integer.MAX_VALUE);
    FloatVectors queries = FvecsReader.readFvecs(dir.resolve("query.fvecs"), QUERIES);
    RaBitQuantizer q = RaBitQuantizer.train(base, sim, RaBitQParams.defaults(bits, 42));
    FloatVectors sample = base.slice(0, VECTORS);
    EncodedVectors codes = q.encodeAll(sample);
    FloatVectors prepared = sample.prepared(sim);
    Errors full = new Errors();
    Errors oneBit = new Errors();
    for (int j = 0; j < queries.count(); j++) {
      float[] query = sim.prepare(queries.get(j));
      RaBitQueryScorer scorer = q.scorer(queries.get(j));
      for (int i = 0; i < VECTORS; i++) {
        int off = i * q.codeBytes();
        double truth = sim.kernel().score(query, 0, prepared.data(), prepared.offset(i), base.dim());
        float signs = scorer.signSum(codes.codes(), off);
        full.add(scorer.score(codes.codes(), off, signs), scorer.bound(codes.codes(), off), truth);
        oneBit.add(scorer.oneBitScore(codes.codes(), off, signs), scorer.oneBitBound(codes.codes(), off), truth);
        assertThat(scorer.score(codes.codes(), off)).isEqualTo(scorer.score(codes.codes(), off, signs));
      }
    }
    assertThat(full.coverage()).as("full-estimate bound coverage").isGreaterThanOrEqualTo(0.99);
    assertThat(oneBit.coverage()).as("1-bit bound coverage").isGreaterThanOrEqualTo(0.99);
    assertThat(full.publishedCoverage()).as("coverage at the published 1.9").isBetween(0.92, 0.975);
    assertThat(oneBit.publishedCoverage()).as("1-bit coverage at the published 1.9").isBetween(0.92, 0.975);
    assertThat(Math.abs(full.meanOverRms())).as("full-estimate mean error / rms error").isLessThan(0.1);
    assertThat(Math.abs(oneBit.meanOverRms())).as("1-bit mean error / rms error").isLessThan(0.1);
    System.out.printf("%s %s B=%d: coverage at 2.6 %.4f (1-bit %.4f), at 1.9 %.4f (%.4f), mean/rms %.4f (1-bit %.4f)%n",
        data, metric, bits, full.coverage(), oneBit.coverage(), full.publishedCoverage(), oneBit.publishedCoverage(),
        full.meanOverRms(), oneBit.meanOverRms());
  }
}
