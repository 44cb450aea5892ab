package io.quantpipe.strategy;

import io.quantpipe.quant.Quantizer;
import io.quantpipe.quant.binary.AsymmetricBinaryQuantizer;
import io.quantpipe.quant.binary.BinaryQuantizer;
import io.quantpipe.quant.osq.OptimizedScalarQuantizer;
import io.quantpipe.quant.osq.OsqParams;
import io.quantpipe.quant.pq.PqParams;
import io.quantpipe.quant.pq.PqTrainer;
import io.quantpipe.quant.rabitq.RaBitQParams;
import io.quantpipe.quant.rabitq.RaBitQuantizer;
import io.quantpipe.quant.rabitq.RaBitQueryScorer;
import io.quantpipe.quant.scalar.ScalarParams;
import io.quantpipe.quant.scalar.ScalarQuantizer;
import io.quantpipe.stats.CorpusStatistics;
import io.quantpipe.vector.FloatVectors;
import io.quantpipe.vector.Similarity;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Trains the quantizer a {@link Strategy} needs from a corpus held in memory, through the same
 * mergeable statistics the Spark jobs use. Stateless.
 */
public final class StrategyTrainer {
  private StrategyTrainer() {}

  /** The trained quantizer, or null for {@code none}. */
  public static Quantizer train(Strategy strategy, FloatVectors corpus, Similarity similarity, TrainingOptions options) {
    if (corpus.count() == 0) {
      throw new IllegalArgumentException("Cannot train " + strategy.name() + " on an empty corpus");
    }
    if (strategy.base() == Strategy.Base.NONE) {
      return null;
    }
    FloatVectors prepared = corpus.prepared(similarity);
    if (strategy.productQuantized()) {
      PqParams params = pqParams(strategy, corpus.dim(), options);
      FloatVectors sample = CorpusStatistics.of(prepared, options.pqTrainSamples(), options.seed()).sample().vectors();
      return PqTrainer.train(sample, similarity, params, options.threads(), options.threads());
    }
    return train(strategy, CorpusStatistics.of(prepared, options.calibrationSamples(), options.seed()), similarity,
        options);
  }

  /**
   * Trains every strategy but {@code pq} from statistics of the prepared corpus: what the Spark job
   * calls after merging its partitions' statistics. PQ needs Lloyd passes over the data
   * ({@link PqTrainer}'s steps). Returns null for {@code none}.
   */
  public static Quantizer train(Strategy strategy, CorpusStatistics stats, Similarity similarity,
      TrainingOptions options) {
    switch (strategy.base()) {
      case NONE:
        return null;
      case SQ8:
      case SQ4:
      case SQ2:
        return ScalarQuantizer.train(stats, similarity, scalarParams(strategy));
      case BQ:
        return BinaryQuantizer.sign(stats.dim(), similarity);
      case BQ_CENTRED:
        return BinaryQuantizer.centred(stats, similarity);
      case BQ_ASYM:
        return AsymmetricBinaryQuantizer.train(stats, similarity, options.rotateBinary(), options.seed());
      case OSQ8:
      case OSQ4:
      case OSQ2:
      case OSQ1:
        return OptimizedScalarQuantizer.train(stats, similarity, osqParams(strategy));
      case RABITQ:
        return RaBitQuantizer.train(stats, similarity, rabitqParams(strategy, options));
      case PQ:
      case PQ4:
        throw new IllegalArgumentException("PQ trains by Lloyd iterations over the data, not from statistics: "
            + "use PqTrainer");
      default:
        throw new AssertionError(strategy.base());
    }
  }

  /** The 8-bit PQ parameters of a run, checked against the dimension. */
  public static PqParams pqParams(int dim, TrainingOptions options) {
    return pqParams(Strategy.parse("pq"), dim, options);
  }

  /**
   * The PQ parameters of a {@code pq} or {@code pq4} run, checked against the dimension. Both use
   * the same M (d/8 by default, as FAISS's PQ48 and PQ48x4fs on 384 dims), so pq4 has the subspaces
   * of pq at half the code bytes: 16 centroids instead of 256 per subspace.
   */
  public static PqParams pqParams(Strategy strategy, int dim, TrainingOptions options) {
    int ksub = strategy.base() == Strategy.Base.PQ4 ? PqParams.KSUB_4BIT : PqParams.KSUB;
    PqParams params = new PqParams(options.pqM(dim), ksub, options.pqIterations(), options.seed());
    params.checkDimension(dim);
    return params;
  }

  /** The RaBitQ parameters of a {@code rabitq-B} strategy: B bits, the default rotation and scale search. */
  public static RaBitQParams rabitqParams(Strategy strategy, TrainingOptions options) {
    return RaBitQParams.defaults(strategy.bits(), options.seed());
  }

  static ScalarParams scalarParams(Strategy strategy) {
    switch (strategy.base()) {
      case SQ8:
        return ScalarParams.defaults(8);
      case SQ4:
        return ScalarParams.defaults(4);
      default:
        return ScalarParams.defaults(2);
    }
  }

  /** The optimized scalar parameters of an {@code osq<B>} strategy: Lucene's lambda and iterations at B bits. */
  static OsqParams osqParams(Strategy strategy) {
    return OsqParams.defaults(Integer.parseInt(strategy.base().cliName().substring("osq".length())));
  }

  /** The parameters a strategy was trained with, as written to artifacts, manifests and JSON rows. */
  public static Map<String, Object> describe(Strategy strategy, int dim, TrainingOptions options, int n) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("strategy", strategy.base() == Strategy.Base.RABITQ ? "rabitq-" + strategy.bits() : strategy.base().cliName());
    switch (strategy.base()) {
      case SQ8:
      case SQ4:
      case SQ2: {
        ScalarParams sp = scalarParams(strategy);
        p.put("bits", sp.bits());
        p.put("calibration", sp.calibration().name().toLowerCase(java.util.Locale.ROOT));
        if (sp.calibration() == ScalarParams.Calibration.QUANTILE) {
          p.put("lower_quantile", sp.lowerQuantile());
          p.put("upper_quantile", sp.upperQuantile());
          p.put("calibration_samples", Math.min(n, options.calibrationSamples()));
        }
        p.put("scoring", "asymmetric");
        break;
      }
      case OSQ8:
      case OSQ4:
      case OSQ2:
      case OSQ1: {
        OsqParams op = osqParams(strategy);
        p.put("bits", op.bits());
        p.put("interval", "optimized");
        p.put("centre", "mean");
        p.put("lambda", Double.valueOf(Float.toString(op.lambda()))); // 0.1, not 0.10000000149
        p.put("iterations", op.iterations());
        p.put("scoring", "asymmetric");
        break;
      }
      case BQ:
        p.put("bits", 1);
        p.put("encoding", "sign(x)");
        break;
      case BQ_CENTRED:
        p.put("bits", 1);
        p.put("encoding", "sign(x-mean)");
        break;
      case BQ_ASYM:
        p.put("bits", 1);
        p.put("encoding", options.rotateBinary() ? "sign(P(x-mean))" : "sign(x-mean)");
        p.put("estimator", "rabitq");
        break;
      case RABITQ: {
        RaBitQParams rp = rabitqParams(strategy, options);
        p.put("bits", rp.bits());
        p.put("encoding", "sign+grid(P(x-mean)/|x-mean|)");
        p.put("rotation", "fht-kac");
        p.put("rotation_rounds", rp.rounds());
        p.put("scale_search", rp.bits() == 1 ? "none" : rp.scaleSearch().label());
        p.put("estimator", "rabitq-unbiased");
        p.put("error_bound_epsilon", Double.parseDouble(Float.toString(RaBitQueryScorer.DEFAULT_EPSILON)));
        break;
      }
      case PQ:
      case PQ4:
        p.put("M", options.pqM(dim));
        p.put("nbits", strategy.base() == Strategy.Base.PQ4 ? 4 : 8);
        p.put("dsub", dim / options.pqM(dim));
        p.put("kmeans_niter", options.pqIterations());
        p.put("init", "kmeans++");
        p.put("train_points", Math.min(n, options.pqTrainSamples()));
        break;
      default:
        break;
    }
    p.put("seed", options.seed());
    return p;
  }
}
