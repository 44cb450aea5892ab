package io.quantpipe.storage.stats;

import com.fasterxml.jackson.databind.JsonNode;
import io.quantpipe.format.CorruptArtifactException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The figures a version's {@code manifest.json} records (written by the pipeline's
 * {@code PipelineResult.manifestJson}), read field by field: a missing required field is a
 * {@link CorruptArtifactException} naming the manifest and the field, never a silent zero.
 * A read-only view over the parsed JSON, used by one thread.
 */
final class ManifestFigures {
  private final JsonNode manifest;
  private final String resource;

  /** @param resource the manifest's URI, for errors */
  ManifestFigures(JsonNode manifest, String resource) {
    this.manifest = manifest;
    this.resource = resource;
  }

  long vectors() throws CorruptArtifactException {
    return field("counts.indexed").asLong();
  }

  int codeBytes() throws CorruptArtifactException {
    return field("size.code_bytes").asInt();
  }

  String strategy() throws CorruptArtifactException {
    return field("strategy").asText();
  }

  IndexStatistics.Corpus corpus(Map<String, Object> quantizerParams) throws CorruptArtifactException {
    Map<String, Long> reasons = new LinkedHashMap<>();
    field("counts.rejected_by_reason").fields().forEachRemaining(e -> reasons.put(e.getKey(), e.getValue().asLong()));
    String metric = field("metric").asText();
    return new IndexStatistics.Corpus(vectors(), field("dimension").asInt(), metric, strategy(),
        EvaluateOptions.of(strategy(), metric, field("options"), quantizerParams), field("counts.input_rows").asLong(),
        field("counts.rejected").asLong(), reasons, field("counts.held_out_queries").asLong());
  }

  IndexStatistics.Training training(Map<String, Object> quantizerParams) throws CorruptArtifactException {
    Map<String, Double> seconds = new LinkedHashMap<>();
    field("stage_seconds").fields().forEachRemaining(e -> seconds.put(e.getKey(), e.getValue().asDouble()));
    JsonNode drift = manifest.path("drift_baseline").path("mean_relative_error");
    return new IndexStatistics.Training(field("codebook_version").asInt(), field("options.seed").asLong(),
        quantizerParams, manifest.path("data_fingerprint").asText(null), seconds.get("train"), seconds.get("coarse"),
        field("options.partitions").asInt(), field("options.coarse-iterations").asInt(),
        drift.isNumber() ? drift.asDouble() : null, seconds);
  }

  IndexStatistics.Evaluation evaluation() throws CorruptArtifactException {
    int k = field("evaluation.k").asInt();
    return new IndexStatistics.Evaluation(field("evaluation.queries").asInt(),
        manifest.path("evaluation").path("query_source").asText(null), k, field("evaluation.ef").asInt(),
        field("evaluation.nprobe").asInt(), field("evaluation.oversample").asInt(),
        field("evaluation.recall@1").asDouble(), field("evaluation.recall@" + k).asDouble(),
        field("evaluation.latency_p50_ms").asDouble(), field("evaluation.latency_p99_ms").asDouble(),
        field("evaluation.latency_mean_ms").asDouble());
  }

  private JsonNode field(String path) throws CorruptArtifactException {
    return IndexStatisticsReader.field(manifest, path, resource);
  }
}
