package io.quantpipe.eval;

import io.quantpipe.format.QuantizerCodec;
import io.quantpipe.quant.EncodedVectors;
import io.quantpipe.quant.Quantizer;
import io.quantpipe.search.ExactSearcher;
import io.quantpipe.search.QuantizedSearcher;
import io.quantpipe.search.RescoringSearcher;
import io.quantpipe.search.SearchResult;
import io.quantpipe.search.VectorSearcher;
import io.quantpipe.strategy.Strategy;
import io.quantpipe.strategy.StrategyTrainer;
import io.quantpipe.vector.FloatVectors;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures one strategy on one dataset: trains its quantizer, encodes the corpus, answers every
 * query (timed, best of {@code repeat} passes on one thread, as reference_ann.py does) and scores
 * the answers against the exact neighbours. Memory counts the codes plus the serialised quantizer
 * artifact, the same accounting as FAISS's serialised index.
 */
public final class StrategyEvaluator {
  private static final Logger LOG = LoggerFactory.getLogger(StrategyEvaluator.class);

  private final Dataset dataset;
  private final EvalOptions options;
  private final ExactSearcher exact;

  public StrategyEvaluator(Dataset dataset, EvalOptions options) {
    this.dataset = dataset;
    this.options = options;
    this.exact = new ExactSearcher(dataset.base(), options.similarity());
  }

  /**
   * Evaluates a strategy; {@code artifactSink}, when not null, receives the trained quantizer
   * (skipped for {@code none}).
   */
  public EvalResult evaluate(Strategy strategy, Consumer<Quantizer> artifactSink) {
    FloatVectors base = dataset.base();
    int n = base.count();
    int d = base.dim();
    long t0 = System.nanoTime();
    Quantizer quantizer = StrategyTrainer.train(strategy, base, options.similarity(), options.training());
    double trainSeconds = (System.nanoTime() - t0) / 1e9;

    Map<String, Object> params = StrategyTrainer.describe(strategy, d, options.training(), n);
    VectorSearcher searcher;
    long indexBytes;
    int codeBytes;
    double buildSeconds;
    if (quantizer == null) {
      t0 = System.nanoTime();
      searcher = new ExactSearcher(base, options.similarity());
      buildSeconds = (System.nanoTime() - t0) / 1e9;
      indexBytes = 4L * n * d;
      codeBytes = 4 * d;
    } else {
      t0 = System.nanoTime();
      EncodedVectors encoded = quantizer.encodeAll(base);
      buildSeconds = (System.nanoTime() - t0) / 1e9;
      long modelBytes = QuantizerCodec.toBytes(quantizer, "{}").length;
      searcher = new QuantizedSearcher(encoded, modelBytes);
      indexBytes = searcher.memoryBytes();
      codeBytes = quantizer.codeBytes();
      if (artifactSink != null) {
        artifactSink.accept(quantizer);
      }
    }
    if (strategy.hybrid()) {
      RescoringSearcher hybrid = new RescoringSearcher(searcher, exact, options.oversample(), options.candidates());
      params.put("rescore", "float_exact");
      if (options.candidates() > 0) {
        params.put("candidates", options.candidates());
      } else {
        params.put("oversample", options.oversample());
      }
      searcher = hybrid;
    }
    int[][] answers = new int[dataset.queries().count()][];
    double querySeconds = timeQueries(searcher, answers);
    return score(strategy, params, indexBytes, codeBytes, strategy.hybrid() ? 4L * n * d : 0,
        answers, trainSeconds, buildSeconds, querySeconds);
  }

  private double timeQueries(VectorSearcher searcher, int[][] answers) {
    FloatVectors queries = dataset.queries();
    float[][] rows = new float[queries.count()][];
    for (int q = 0; q < rows.length; q++) {
      rows[q] = queries.get(q);
    }
    for (int q = 0; q < Math.min(16, rows.length); q++) {
      searcher.search(rows[q], options.k()); // warm-up, untimed
    }
    double best = Double.MAX_VALUE;
    for (int r = 0; r < options.repeat(); r++) {
      long t0 = System.nanoTime();
      for (int q = 0; q < rows.length; q++) {
        SearchResult result = searcher.search(rows[q], options.k());
        answers[q] = result.ids();
      }
      best = Math.min(best, (System.nanoTime() - t0) / 1e9);
    }
    return best;
  }

  private EvalResult score(Strategy strategy, Map<String, Object> params, long indexBytes, int codeBytes,
                           long rescoreBytes, int[][] answers, double train, double build, double query) {
    int k = options.k();
    int nq = answers.length;
    double[] recall = new double[3];
    int[] depths = {1, 10, 100};
    double precision = 0;
    double ndcg = 0;
    double map = 0;
    for (int q = 0; q < nq; q++) {
      int[] truth = dataset.groundTruth()[q];
      for (int i = 0; i < depths.length; i++) {
        if (depths[i] <= k && depths[i] <= truth.length) {
          recall[i] += RetrievalMetrics.recall(answers[q], truth, depths[i]);
        }
      }
      precision += RetrievalMetrics.precision(answers[q], truth, k);
      ndcg += RetrievalMetrics.ndcg(answers[q], truth, k);
      map += RetrievalMetrics.averagePrecision(answers[q], truth, k);
    }
    for (int i = 0; i < depths.length; i++) {
      recall[i] = depths[i] <= k && depths[i] <= dataset.groundTruth()[0].length ? recall[i] / nq : Double.NaN;
    }
    EvalResult result = new EvalResult(dataset.name(), options.similarity().cliName(), dataset.base().count(),
        dataset.base().dim(), nq, k, 1, strategy.name(), strategy.referenceMethod(), new LinkedHashMap<>(params),
        indexBytes, codeBytes, rescoreBytes, recall, precision / nq, ndcg / nq, map / nq, train, build, query);
    LOG.info("{}: recall@{}={} qps={}", strategy.name(), k, String.format("%.4f", result.recallAt(k >= 10 ? 10 : 1)),
        String.format("%.0f", result.qps()));
    return result;
  }
}
