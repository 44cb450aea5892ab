package io.quantpipe.storage.stats;

import io.quantpipe.report.TextTable;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Renders {@link IndexStatistics}: as the text {@code bin/quantpipe stats} prints (sections of
 * aligned figures, sizes in exact bytes and in decimal units, 1 GB = 10^9 bytes, as storage and
 * cloud pricing count them), and as one JSON object with snake_case field names for
 * {@code --json}. Stateless and thread-safe.
 */
public final class StatisticsReport {
  private static final ObjectMapper JSON = new ObjectMapper()
      .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE).enable(SerializationFeature.INDENT_OUTPUT);

  private StatisticsReport() {}

  /** The statistics as one JSON object (pretty-printed, ending in a newline). */
  public static String json(IndexStatistics s) throws IOException {
    return JSON.writeValueAsString(s) + "\n";
  }

  /** The statistics as the command prints them. */
  public static String text(IndexStatistics s) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format("index %s, version %d%s%s%n", s.root(), s.version(), s.current() ? " (current)" : "",
        s.created() == null ? "" : ", published " + s.created()));
    corpus(sb, s.corpus());
    training(sb, s.training());
    memory(sb, s.memory(), s.corpus());
    partitions(sb, s.partitions());
    evaluation(sb, s.evaluation());
    versions(sb, s);
    return sb.toString();
  }

  private static void corpus(StringBuilder sb, IndexStatistics.Corpus c) {
    sb.append("\ncorpus\n");
    line(sb, "vectors", fmt("%,d", c.vectors()));
    line(sb, "dimension", String.valueOf(c.dimension()));
    line(sb, "metric", c.metric());
    line(sb, "strategy", c.strategy());
    line(sb, "as evaluate options", c.evaluateOptions());
    line(sb, "input rows", fmt("%,d", c.inputRows()));
    line(sb, "rejected rows", fmt("%,d", c.rejected()) + (c.rejectedByReason().isEmpty() ? ""
        : " (" + c.rejectedByReason().entrySet().stream().map(e -> e.getKey() + ": " + e.getValue())
            .collect(Collectors.joining(", ")) + ")"));
    line(sb, "held-out queries", fmt("%,d", c.heldOutQueries()));
  }

  private static void training(StringBuilder sb, IndexStatistics.Training t) {
    sb.append("\ntraining\n");
    line(sb, "codebook version", String.valueOf(t.codebookVersion()));
    line(sb, "seed", String.valueOf(t.seed()));
    line(sb, "quantizer", t.quantizerParams().isEmpty() ? "none (float32 vectors, no model)"
        : t.quantizerParams().entrySet().stream().filter(e -> !e.getKey().equals("data_fingerprint"))
            .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" ")));
    line(sb, "train stage", seconds(t.trainSeconds()));
    line(sb, "coarse stage", seconds(t.coarseSeconds()) + fmt(" (k-means, P=%d, %d iterations)",
        t.coarsePartitions(), t.coarseIterations()));
    if (t.driftBaselineError() != null) {
      line(sb, "drift baseline", fmt("%.4f mean relative reconstruction error", t.driftBaselineError()));
    }
    if (t.dataFingerprint() != null) {
      line(sb, "data fingerprint", t.dataFingerprint());
    }
  }

  private static void memory(StringBuilder sb, IndexStatistics.Memory m, IndexStatistics.Corpus c) {
    sb.append("\nmemory (decimal units: 1 kB = 10^3 bytes, 1 GB = 10^9 bytes)\n");
    TextTable t = new TextTable("", "bytes", "size");
    sizeRow(t, fmt("codes (%d B x %,d)", m.codeBytesPerVector(), c.vectors()), m.codes());
    sizeRow(t, "model (quantizer.qpa: codebooks)", m.model());
    sizeRow(t, m.codeBytesPerVector() == 0 ? "total (float32 vectors)" : "total (codes + model)", m.total());
    sizeRow(t, fmt("float32 (%,d x %d x 4)", c.vectors(), c.dimension()), m.float32());
    sizeRow(t, "saved vs float32", m.saved());
    t.row("compression vs float32", fmt("%.2fx", m.compressionRatio()), "");
    sizeRow(t, "graph (.qph files without codes)", m.graph());
    sizeRow(t, "coarse centroids (centroids.fvecs)", m.centroids());
    sizeRow(t, "float32 vectors (.fvecs on disk, " + m.float32VectorsRole() + ")", m.float32Vectors());
    sizeRow(t, "all files under index/", m.indexFiles());
    sb.append(t.render(2));
  }

  private static void partitions(StringBuilder sb, IndexStatistics.Partitions p) {
    sb.append("\npartitions\n");
    TextTable t = new TextTable("partition", "vectors", "share", ".qph bytes", ".fvecs bytes", "size");
    long all = p.byPartition().stream().mapToLong(IndexStatistics.Partition::vectors).sum();
    for (IndexStatistics.Partition part : p.byPartition()) {
      t.row(String.valueOf(part.centroid()), fmt("%,d", part.vectors()),
          fmt("%.1f%%", all == 0 ? 0 : 100.0 * part.vectors() / all), fmt("%,d", part.graphFileBytes()),
          fmt("%,d", part.vectorFileBytes()), decimal(part.bytes()));
    }
    sb.append(t.render(2));
    TextTable b = new TextTable("balance", "min", "max", "mean", "max/mean", "cv");
    balanceRow(b, "vectors", p.vectorBalance());
    balanceRow(b, "bytes", p.byteBalance());
    sb.append('\n').append(b.render(2));
  }

  private static void evaluation(StringBuilder sb, IndexStatistics.Evaluation e) {
    sb.append("\nevaluation (the evaluate stage, before publishing)\n");
    line(sb, "queries", e.queries() + (e.querySource() == null ? "" : " from " + e.querySource()));
    line(sb, "search", fmt("k=%d ef=%d nprobe=%d oversample=%d", e.k(), e.ef(), e.nprobe(), e.oversample()));
    line(sb, "recall@1", fmt("%.4f", e.recallAt1()));
    line(sb, "recall@" + e.k(), fmt("%.4f", e.recallAtK()));
    line(sb, "latency", fmt("p50 %.3f ms, p99 %.3f ms, mean %.3f ms (one thread, one query over its partitions)",
        e.latencyP50Ms(), e.latencyP99Ms(), e.latencyMeanMs()));
  }

  private static void versions(StringBuilder sb, IndexStatistics s) {
    sb.append("\nversions under ").append(s.root()).append('\n');
    for (IndexStatistics.VersionEntry v : s.versions()) {
      sb.append(String.format("  %-8s %s%n", "v" + v.version(), (v.complete() ? "complete" : "incomplete (no manifest)")
          + (v.current() ? ", current" : "") + (v.version() == s.version() ? " (shown above)" : "")));
    }
    if (s.versions().isEmpty()) {
      sb.append("  none\n");
    }
  }

  private static void line(StringBuilder sb, String label, String value) {
    sb.append(String.format("  %-20s %s%n", label, value));
  }

  private static void sizeRow(TextTable t, String label, long bytes) {
    t.row(label, fmt("%,d", bytes), decimal(bytes));
  }

  private static void balanceRow(TextTable t, String label, IndexStatistics.Balance b) {
    t.row(label, fmt("%,d", b.min()), fmt("%,d", b.max()), fmt("%,.1f", b.mean()), fmt("%.3f", b.maxOverMean()),
        fmt("%.3f", b.coefficientOfVariation()));
  }

  /** {@code bytes} in decimal units: B, kB, MB, GB, TB. */
  static String decimal(long bytes) {
    String[] units = {"kB", "MB", "GB", "TB"};
    if (Math.abs(bytes) < 1000) {
      return bytes + " B";
    }
    double v = bytes;
    int u = -1;
    while (Math.abs(v) >= 1000 && u + 1 < units.length) {
      v /= 1000;
      u++;
    }
    return fmt("%.2f %s", v, units[u]);
  }

  private static String seconds(Double s) {
    return s == null ? "not recorded" : fmt("%.2f s", s);
  }

  private static String fmt(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }
}
