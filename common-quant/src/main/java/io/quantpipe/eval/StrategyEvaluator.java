package io.quantpipe.eval;

import io.quantpipe.format.QuantizerCodec;
import io.quantpipe.quant.EncodedVectors;
import io.quantpipe.quant.Quantizer;
import io.quantpipe.search.ExactSearcher;
import io.quantpipe.search.FastScanSearcher;
import io.quantpipe.quant.rabitq.RaBitQuantizer;
import io.quantpipe.quant.rabitq.RaBitQueryScorer;
import io.quantpipe.search.QuantizedSearcher;
import io.quantpipe.search.RaBitQSearcher;
import io.quantpipe.search.RescoringSearcher;
import io.quantpipe.search.VectorSearcher;
import io.quantpipe.strategy.Strategy;
import io.quantpipe.strategy.StrategyTrainer;
import io.quantpipe.strategy.TrainingOptions;
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

  /**
   * The bounds' multiple for RaBitQ hybrids' rescoring: the published ε0. On minilm-384 1-bit codes
   * rescoring 49 vectors per query gives recall@10 0.9956 (2.6: 0.9998 with 79; 1.6: 0.9896 with
   * 40, against 0.9826 for a fixed 4x list of 40); see RaBitQSearcherTest.
   */
  static final float RESCORE_EPSILON = RaBitQueryScorer.PUBLISHED_EPSILON;

  private final Dataset dataset;
  private final EvalOptions options;
  private final ExactSearcher exact;

  public StrategyEvaluator(Dataset dataset, EvalOptions options) {
    this.dataset = dataset;
    this.options = options;
    this.exact = new ExactSearcher(dataset.base(), options.similarity());
  }

  /**
   * Evaluates a strategy with the run's options; {@code artifactSink}, when not null, receives the
   * trained quantizer (skipped for {@code none}).
   */
  public EvalResult evaluate(Strategy strategy, Consumer<Quantizer> artifactSink) {
    PreparedStrategy prepared = prepare(strategy, options.training());
    if (prepared.quantizer() != null && artifactSink != null) {
      artifactSink.accept(prepared.quantizer());
    }
    return measure(prepared, strategy, options.oversample(), options.candidates());
  }

  /** Trains the encoding {@code strategy} needs with {@code training} and encodes the corpus with it. */
  public PreparedStrategy prepare(Strategy strategy, TrainingOptions training) {
    FloatVectors base = dataset.base();
    long t0 = System.nanoTime();
    Quantizer quantizer = StrategyTrainer.train(strategy, base, options.similarity(), training);
    double trainSeconds = (System.nanoTime() - t0) / 1e9;
    t0 = System.nanoTime();
    if (quantizer == null) {
      VectorSearcher searcher = new ExactSearcher(base, options.similarity());
      double buildSeconds = (System.nanoTime() - t0) / 1e9;
      return new PreparedStrategy(strategy, training, null, searcher, 4L * base.count() * base.dim(), 4 * base.dim(), 0,
          trainSeconds, buildSeconds);
    }
    EncodedVectors encoded = quantizer.encodeAll(base);
    double buildSeconds = (System.nanoTime() - t0) / 1e9;
    long modelBytes = QuantizerCodec.toBytes(quantizer, "{}").length;
    VectorSearcher searcher;
    if (quantizer instanceof RaBitQuantizer) { // reads extra bit-planes only where the bounds say
      searcher = new RaBitQSearcher(encoded, null, modelBytes, RaBitQueryScorer.DEFAULT_EPSILON);
    } else if (strategy.base() == Strategy.Base.PQ4) { // the fast scan: same top k as the plain ADC scan, faster
      searcher = new FastScanSearcher(encoded, modelBytes);
    } else {
      searcher = new QuantizedSearcher(encoded, modelBytes);
    }
    return new PreparedStrategy(strategy, training, quantizer, searcher, searcher.memoryBytes(), quantizer.codeBytes(),
        modelBytes, trainSeconds, buildSeconds);
  }

  /**
   * Answers every query with {@code prepared}'s encoding, searched as {@code strategy} says: its
   * codes alone, or, for a hybrid, a candidate list of {@code k × oversample} (or {@code candidates}
   * when positive) rescored with the float32 vectors. A RaBitQ hybrid instead rescores the
   * candidates its error bounds cannot exclude ({@link RaBitQSearcher}), and its row records the
   * float32 vectors read per query beside what the fixed oversample would read. {@code strategy}
   * must share the preparation's base.
   */
  public EvalResult measure(PreparedStrategy prepared, Strategy strategy, int oversample, int candidates) {
    if (strategy.base() != prepared.strategy().base()) {
      throw new IllegalArgumentException("Strategy " + strategy.name() + " cannot be searched with the encoding prepared for "
          + prepared.strategy().name());
    }
    VectorSearcher searcher = prepared.searcher();
    RaBitQSearcher bounded = null;
    if (strategy.hybrid() && searcher instanceof RaBitQSearcher) {
      bounded = new RaBitQSearcher(((RaBitQSearcher) searcher).encoded(), exact, prepared.modelBytes(), RESCORE_EPSILON);
      searcher = bounded;
    } else if (strategy.hybrid()) {
      searcher = new RescoringSearcher(searcher, exact, oversample, candidates);
    }
    VectorSearcher timed = searcher;
    int[][] answers = new int[dataset.queries().count()][];
    double querySeconds = timeQueries((q, query) -> timed.search(query, options.k()).ids(), answers);
    EvalResult result = score(prepared, strategy, oversample, candidates, answers, querySeconds);
    if (prepared.searcher() instanceof FastScanSearcher) {
      result.params().put("scan", "fast_scan_uint8_lut");
      result.params().put("exact_reranks_per_query",
          Math.round(10.0 * ((FastScanSearcher) prepared.searcher()).candidatesPerSearch()) / 10.0);
    }
    if (searcher instanceof RaBitQSearcher) {
      RaBitQSearcher r = (RaBitQSearcher) searcher;
      result.params().put("extra_bit_reads_per_query", Math.round(10.0 * r.extraReads() / r.searches()) / 10.0);
    }
    if (bounded != null) {
      Map<String, Object> params = result.params();
      params.remove("oversample");
      params.remove("candidates");
      params.put("rescore", "float_exact_bounded");
      params.put("rescore_epsilon", Double.parseDouble(Float.toString(RESCORE_EPSILON)));
      params.put("float_reads_per_query", Math.round(10.0 * bounded.floatReads() / bounded.searches()) / 10.0);
      params.put("fixed_oversample_float_reads", Math.max(options.k(), candidates > 0 ? candidates : options.k() * oversample));
    }
    return result;
  }

  /**
   * Every query's best {@code depth} candidates under {@code prepared}'s encoding, best first, and
   * the fastest time of a pass over all queries. Since {@link io.quantpipe.search.TopK} orders by
   * score, then ordinal, the best {@code k} of any smaller depth is a prefix of this list: one scan
   * serves the plain strategy and each oversample factor of its hybrid, with the answers
   * {@link #measure} would give.
   *
   * @param ids the candidates of each query
   * @param seconds the fastest pass over all queries
   */
  public record Shortlists(PreparedStrategy prepared, int depth, int[][] ids, double seconds) {}

  /** Scans {@code prepared}'s codes once per query for the best {@code depth} candidates (timed). */
  public Shortlists shortlist(PreparedStrategy prepared, int depth) {
    int[][] ids = new int[dataset.queries().count()][];
    double seconds = timeQueries((q, query) -> prepared.searcher().search(query, depth).ids(), ids);
    return new Shortlists(prepared, depth, ids, seconds);
  }

  /**
   * The result of {@code strategy} from a scan: its top {@code k} for a plain strategy (timed as the
   * scan), or, for a hybrid, its first {@code k × oversample} candidates rescored with the float32
   * vectors (timed as the scan plus the rescoring pass).
   */
  public EvalResult fromShortlists(Shortlists scan, Strategy strategy, int oversample) {
    PreparedStrategy prepared = scan.prepared();
    if (strategy.base() != prepared.strategy().base()) {
      throw new IllegalArgumentException("Strategy " + strategy.name() + " cannot use the scan of " + prepared.strategy().name());
    }
    int k = options.k();
    int wanted = strategy.hybrid() ? Math.max(k, k * oversample) : k;
    if (wanted > scan.depth()) {
      throw new IllegalArgumentException("A scan " + scan.depth() + " deep cannot give " + wanted + " candidates");
    }
    int[][] answers = new int[scan.ids().length][];
    double seconds = scan.seconds();
    if (strategy.hybrid()) {
      seconds += timeQueries((q, query) -> exact.rescore(query, prefix(scan.ids()[q], wanted), k).ids(), answers);
    } else {
      for (int q = 0; q < answers.length; q++) {
        answers[q] = prefix(scan.ids()[q], k);
      }
    }
    return score(prepared, strategy, oversample, 0, answers, seconds);
  }

  private static int[] prefix(int[] ids, int n) {
    return ids.length <= n ? ids : java.util.Arrays.copyOf(ids, n);
  }

  /** One query's answer, given its index and its vector. */
  private interface Answer {
    int[] of(int q, float[] query);
  }

  private double timeQueries(Answer answer, int[][] answers) {
    FloatVectors queries = dataset.queries();
    float[][] rows = new float[queries.count()][];
    for (int q = 0; q < rows.length; q++) {
      rows[q] = queries.get(q);
    }
    for (int q = 0; q < Math.min(16, rows.length); q++) {
      answer.of(q, rows[q]); // warm-up, untimed
    }
    double best = Double.MAX_VALUE;
    for (int r = 0; r < options.repeat(); r++) {
      long t0 = System.nanoTime();
      for (int q = 0; q < rows.length; q++) {
        answers[q] = answer.of(q, rows[q]);
      }
      best = Math.min(best, (System.nanoTime() - t0) / 1e9);
    }
    return best;
  }

  private EvalResult score(PreparedStrategy prepared, Strategy strategy, int oversample, int candidates, int[][] answers,
                           double querySeconds) {
    FloatVectors base = dataset.base();
    Map<String, Object> params = StrategyTrainer.describe(strategy, base.dim(), prepared.training(), base.count());
    if (strategy.hybrid()) {
      params.put("rescore", "float_exact");
      if (candidates > 0) {
        params.put("candidates", candidates);
      } else {
        params.put("oversample", oversample);
      }
    }
    return score(strategy, params, prepared.indexBytes(), prepared.codeBytes(),
        strategy.hybrid() ? 4L * base.count() * base.dim() : 0, answers, prepared.trainSeconds(), prepared.buildSeconds(),
        querySeconds);
  }

  private EvalResult score(Strategy strategy, Map<String, Object> params, long indexBytes, int codeBytes,
                           long rescoreBytes, int[][] answers, double train, double build, double query) {
    int k = options.k();
    int nq = answers.length;
    double[] recall = new double[3];
    int[] depths = {1, 10, 100};
    double recallK = 0;
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
      recallK += RetrievalMetrics.recall(answers[q], truth, k);
      precision += RetrievalMetrics.precision(answers[q], truth, k);
      ndcg += RetrievalMetrics.ndcg(answers[q], truth, k);
      map += RetrievalMetrics.averagePrecision(answers[q], truth, k);
    }
    for (int i = 0; i < depths.length; i++) {
      recall[i] = depths[i] <= k && depths[i] <= dataset.groundTruth()[0].length ? recall[i] / nq : Double.NaN;
    }
    EvalResult result = new EvalResult(dataset.name(), options.similarity().cliName(), dataset.base().count(),
        dataset.base().dim(), nq, k, 1, strategy.name(), strategy.referenceMethod(), new LinkedHashMap<>(params),
        indexBytes, codeBytes, rescoreBytes, recall, recallK / nq, precision / nq, ndcg / nq, map / nq, train, build, query);
    LOG.info("{}: recall@{}={} qps={}", strategy.name(), k, String.format("%.4f", result.recallAt(k >= 10 ? 10 : 1)),
        String.format("%.0f", result.qps()));
    return result;
  }
}
