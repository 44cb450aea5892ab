package io.quantpipe.serving;

import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.DoubleSupplier;
import org.HdrHistogram.ConcurrentHistogram;

/**
 * The node's figures: Prometheus metrics for {@code GET /metrics} (Prometheus' Java client, text
 * format 0.0.4) and an HdrHistogram of search latency for the percentiles {@code /v1/stats}
 * reports. Requests are counted by outcome ({@code ok}, {@code bad_request}, {@code conflict}, {@code unauthorized},
 * {@code unavailable}, {@code error}); latency is that of answered searches, parse to response
 * body, in seconds. Gauges (served version, live vectors, readiness) are read when scraped from
 * the suppliers {@link #gauge} registers. Thread-safe.
 */
final class NodeMetrics {
  /** Latency buckets, in seconds: 100 µs to 5 s. */
  private static final double[] BUCKETS = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
      0.25, 0.5, 1, 2.5, 5};

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Counter requests = Counter.builder().name("quantpipe_requests_total")
      .help("HTTP requests to the API, by endpoint and outcome").labelNames("endpoint", "outcome").register(registry);
  private final Counter queries = Counter.builder().name("quantpipe_queries_total")
      .help("Query vectors answered (a batch request counts each of its vectors)").register(registry);
  private final Histogram latency = Histogram.builder().name("quantpipe_search_latency_seconds").unit(Unit.SECONDS)
      .help("Search request latency, body parsed to response written").classicOnly().classicUpperBounds(BUCKETS)
      .register(registry);
  private final Counter refused = Counter.builder().name("quantpipe_versions_refused_total")
      .help("Published versions refused because a file failed its check").register(registry);
  private final Counter scrubFailures = Counter.builder().name("quantpipe_cache_scrub_failures_total")
      .help("Cached files trusted at start that failed their check when read again, and were fetched again")
      .register(registry);
  private final Counter switches = Counter.builder().name("quantpipe_version_switches_total")
      .help("Switches to a newly published (or rolled back) version").register(registry);
  /** Microseconds, 1 µs to 1 hour, 3 significant digits. */
  private final ConcurrentHistogram micros = new ConcurrentHistogram(3_600_000_000L, 3);

  /** Registers a gauge read at each scrape. */
  void gauge(String name, String help, DoubleSupplier value) {
    GaugeWithCallback.builder().name(name).help(help).callback(cb -> cb.call(value.getAsDouble())).register(registry);
  }

  void request(String endpoint, String outcome) {
    requests.labelValues(endpoint, outcome).inc();
  }

  /** One answered search request of {@code vectors} queries that took {@code nanos}. */
  void searched(int vectors, long nanos) {
    queries.inc(vectors);
    latency.observe(nanos / 1e9);
    micros.recordValue(Math.max(1, Math.min(nanos / 1000, micros.getHighestTrackableValue())));
  }

  void refused() {
    refused.inc();
  }

  void scrubFailed(int files) {
    scrubFailures.inc(files);
  }

  void switched() {
    switches.inc();
  }

  long refusedCount() {
    return (long) refused.get();
  }

  /** Queries answered, and latency percentiles in milliseconds, since the node started. */
  Map<String, Object> latencySummary() {
    org.HdrHistogram.Histogram h = micros.copy();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("search_requests", h.getTotalCount());
    m.put("queries", (long) queries.get());
    for (double p : new double[] {50, 90, 99, 99.9}) {
      m.put("latency_p" + (p == Math.rint(p) ? Integer.toString((int) p) : Double.toString(p)).replace('.', '_') + "_ms",
          h.getTotalCount() == 0 ? null : h.getValueAtPercentile(p) / 1000.0);
    }
    m.put("latency_max_ms", h.getTotalCount() == 0 ? null : h.getMaxValue() / 1000.0);
    return m;
  }

  /** The Prometheus text exposition. */
  byte[] scrape() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrometheusTextFormatWriter.create().write(out, registry.scrape(), EscapingScheme.DEFAULT);
    return out.toByteArray();
  }

  static String contentType() {
    return PrometheusTextFormatWriter.CONTENT_TYPE;
  }
}
