package io.quantpipe.storage.stats;

import com.fasterxml.jackson.databind.JsonNode;
import io.quantpipe.strategy.Strategy;
import java.util.Map;

/**
 * A published version's strategy and its parameters written as the options of
 * {@code bin/quantpipe evaluate}, so the same trade-off can be re-measured without Spark, e.g.
 * {@code --metric l2 --strategies hybrid-pq --pq-m 16 --pq-iterations 10 --train-samples 20000
 * --oversample 4 --seed 42 --k 10}. Only the options the strategy uses are written. The pipeline
 * samples {@code train-samples} vectors for k-means++ and then runs its Lloyd passes over the corpus
 * ({@code pq-sample-fraction}), where {@code evaluate} trains on the sample alone: the codebooks are
 * the same kind, not the same bits. Stateless.
 */
final class EvaluateOptions {
  private EvaluateOptions() {}

  /**
   * @param options the manifest's {@code options} (the pipeline's settings, as strings)
   * @param quantizerParams the quantizer artifact's parameters (resolved values such as PQ's M)
   */
  static String of(String strategyName, String metric, JsonNode options, Map<String, Object> quantizerParams) {
    Strategy strategy = Strategy.parse(strategyName);
    StringBuilder sb = new StringBuilder("--metric ").append(metric).append(" --strategies ").append(strategy.name());
    switch (strategy.base()) {
      case PQ:
      case PQ4:
        // pq-m = 0 means "d/8": the artifact records the M it resolved to.
        Object m = quantizerParams.getOrDefault("M", options.path("pq-m").asText());
        sb.append(" --pq-m ").append(m).append(" --pq-iterations ").append(options.path("pq-iterations").asText())
            .append(" --train-samples ").append(options.path("train-samples").asText());
        break;
      case SQ8:
      case SQ4:
      case SQ2:
        sb.append(" --calibration-samples ").append(options.path("calibration-samples").asText());
        break;
      case BQ_ASYM:
        if (!String.valueOf(quantizerParams.get("encoding")).contains("P(")) {
          sb.append(" --no-rotate");
        }
        break;
      default:
        break;
    }
    if (strategy.hybrid()) {
      sb.append(" --oversample ").append(options.path("eval-oversample").asText());
    }
    return sb.append(" --seed ").append(options.path("seed").asText()).append(" --k ")
        .append(options.path("eval-k").asText()).toString();
  }
}
