package io.quantpipe.serving;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quantpipe.catalog.CatalogPointer;
import io.quantpipe.storage.StorageCheck;
import io.quantpipe.storage.VersionCatalog;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * The node's status documents: {@code GET /v1/health} (liveness and readiness, with the reason
 * when not ready, and the start-up times), {@code GET /v1/versions} (what the root holds, what this
 * node served and refused) and {@code GET /v1/stats} ({@code bin/quantpipe stats} of the served
 * version plus the live figures). Read-only views of the follower, the search service and the
 * metrics; thread-safe.
 */
final class NodeStatus {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ServeOptions options;
  private final VersionFollower follower;
  /** {@code null} when the node applies no stream. */
  private final StreamFollower stream;
  private final SearchService search;
  private final NodeMetrics metrics;
  private final Instant processStart;

  NodeStatus(ServeOptions options, VersionFollower follower, StreamFollower stream, SearchService search,
      NodeMetrics metrics) {
    this.stream = stream;
    this.options = options;
    this.follower = follower;
    this.search = search;
    this.metrics = metrics;
    this.processStart = ProcessStart.instant();
  }

  boolean ready() {
    return follower.ready();
  }

  ObjectNode health() {
    ServedVersion v = follower.current();
    ObjectNode h = JSON.createObjectNode();
    boolean isReady = follower.ready();
    h.put("status", isReady ? "ready" : "unavailable").put("live", true).put("ready", isReady);
    if (!isReady) {
      h.put("reason", follower.notReadyReason());
    }
    if (v != null) {
      h.put("version", v.version());
    }
    if (follower.lastPollError() != null && v != null) {
      h.put("warning", follower.lastPollError() + " (still serving version " + v.version() + ")");
    }
    h.put("index", options.index());
    h.put("process_start", processStart.toString());
    Instant ready = follower.readyAt();
    Instant first = search.firstAnswer();
    h.put("start_to_ready_ms", ready == null ? null : Duration.between(processStart, ready).toMillis());
    h.put("start_to_first_answer_ms", first == null ? null : Duration.between(processStart, first).toMillis());
    h.put("uptime_s", Duration.between(processStart, Instant.now()).toSeconds());
    return h;
  }

  ObjectNode versions() {
    ObjectNode out = JSON.createObjectNode();
    ServedVersion v = follower.current();
    out.put("index", options.index());
    if (v == null) {
      out.putNull("serving");
    } else {
      out.put("serving", v.version());
    }
    ArrayNode published = out.putArray("published");
    try {
      VersionCatalog catalog = new VersionCatalog(options.index(), options.hadoopConfiguration());
      CatalogPointer pointer = catalog.current();
      for (int n : catalog.versions()) {
        published.addObject().put("version", n).put("complete", catalog.isComplete(n))
            .put("current", pointer != null && pointer.version() == n);
      }
    } catch (IOException | RuntimeException e) {
      out.put("published_error", "cannot list " + options.index() + ": " + StorageCheck.firstLine(e));
    }
    ArrayNode served = out.putArray("served");
    for (VersionFollower.Served s : follower.history()) {
      ObjectNode n = served.addObject().put("version", s.version()).put("since", s.since().toString());
      n.put("until", s.until() == null ? null : s.until().toString());
    }
    ArrayNode refused = out.putArray("refused");
    for (VersionFollower.Refusal r : follower.refusals()) {
      refused.addObject().put("version", r.version()).put("at", r.at().toString()).put("reason", r.reason());
    }
    return out;
  }

  /** @throws NotReadyException when nothing is served */
  ObjectNode stats() {
    ServedVersion v = follower.current();
    if (v == null) {
      throw new NotReadyException(follower.notReadyReason());
    }
    ObjectNode out = JSON.createObjectNode();
    out.put("version", v.version());
    out.set("statistics", v.statistics());
    ObjectNode live = out.putObject("live");
    live.put("vectors", v.index.liveCount()).put("partitions", v.index.partitionCount())
        .put("queries_in_flight", v.inFlight()).put("serving_since", v.servingSince.toString())
        .put("delta_vectors", v.index.deltaCount()).put("tombstones", v.index.tombstoneCount());
    if (stream != null) {
      stream.describe(out.putObject("stream"));
    } else {
      out.putNull("stream");
    }
    ObjectNode defaults = out.putObject("search_defaults");
    defaults.put("ef", v.defaults.ef()).put("nprobe", v.defaults.nprobe()).put("oversample", v.defaults.oversample())
        .put("source", v.defaults.source());
    out.putObject("fetched").put("files_downloaded", v.fetched.filesDownloaded())
        .put("files_linked", v.fetched.filesLinked()).put("files_reused", v.fetched.filesReused()).put("bytes_downloaded", v.fetched.bytesDownloaded())
        .put("cache_dir", v.fetched.dir().toString());
    ObjectNode queries = out.putObject("queries");
    for (Map.Entry<String, Object> e : metrics.latencySummary().entrySet()) {
      queries.putPOJO(e.getKey(), e.getValue());
    }
    out.put("versions_refused", metrics.refusedCount());
    Runtime rt = Runtime.getRuntime();
    out.putObject("memory").put("heap_used_bytes", rt.totalMemory() - rt.freeMemory())
        .put("heap_max_bytes", rt.maxMemory()).put("rss_bytes", ResidentMemory.bytes());
    return out;
  }
}
