package io.quantpipe.serving;

import com.fasterxml.jackson.databind.JsonNode;
import io.quantpipe.index.IndexManifest;

/**
 * The search parameters a version is served with when a request leaves them out: those the
 * pipeline evaluated the version with, as its manifest records them under {@code evaluation}
 * ({@code ef}, {@code nprobe}, {@code oversample}). A version published without an evaluation (by
 * {@code LocalPublisher}) gets ef 64, the nearest 4 partitions (or all, when fewer) and, for a
 * hybrid strategy, 4 candidates rescored in float32 per hit. Immutable.
 *
 * @param ef the HNSW beam width per partition
 * @param nprobe the partitions searched per query
 * @param oversample the candidates rescored in float32 per hit (1: none)
 * @param source where the values came from, for {@code /v1/stats}
 */
public record SearchDefaults(int ef, int nprobe, int oversample, String source) {
  static SearchDefaults of(JsonNode manifest, IndexManifest index) {
    JsonNode e = manifest.path("evaluation");
    if (e.path("ef").isInt() && e.path("nprobe").isInt() && e.path("oversample").isInt()) {
      return new SearchDefaults(e.get("ef").asInt(), Math.min(e.get("nprobe").asInt(), index.centroids()),
          e.get("oversample").asInt(), "manifest evaluation");
    }
    boolean hybrid = index.quantizerCrc() != null && manifest.path("strategy").asText("").startsWith("hybrid-");
    return new SearchDefaults(64, Math.min(4, index.centroids()), hybrid ? 4 : 1, "built-in defaults");
  }
}
