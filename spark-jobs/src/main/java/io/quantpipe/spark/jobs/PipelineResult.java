package io.quantpipe.spark.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quantpipe.catalog.Codebooks;
import io.quantpipe.spark.io.PublishedTable;
import io.quantpipe.spark.options.PipelineOptions;
import io.quantpipe.spark.stages.StageRecords;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a pipeline run published: counts, sizes, evaluation figures and stage times. Its
 * {@link #manifestJson()} is the version's {@code manifest.json}.
 *
 * @param indexed vectors in the index (valid rows minus held-out queries)
 * @param codeBytes bytes per code
 * @param modelBytes the quantizer artifact's size (codebooks, ranges, rotation)
 * @param graphBytes all partition files' size (graph, ids and codes)
 * @param baselineError the quantizer's mean relative reconstruction error on the held-out queries
 *     (the drift baseline streaming compares against), {@code NaN} for float32
 * @param deltaVersion the commit of the root Delta table ({@code ROOT/table}) holding this
 *     version's codes, or -1 when the run writes no Delta table
 */
public record PipelineResult(int version, String versionUri, PipelineOptions options, int dim,
    ImportJob.Result imported, long indexed, int codeBytes, long modelBytes, long quantizerCrc, long graphBytes,
    List<HnswJob.Built> partitions, EvaluateJob.Result evaluation, String queriesSource, long queriesCrc, long indexJsonCrc,
    Map<String, Double> stageSeconds, String fingerprint, double baselineError, long deltaVersion) {

  public static final String FORMAT = io.quantpipe.catalog.CatalogPointer.MANIFEST_FORMAT;
  public static final int FORMAT_VERSION = 1;
  /** The evaluation queries (fvecs) under the version's {@code stages/}, named by {@code files.queries}. */
  public static final String QUERIES_FILE = "queries.fvecs";

  /** The run as its stages recorded it ({@link io.quantpipe.spark.stages.StageRunner}). */
  public static PipelineResult of(int version, String dir, PipelineOptions o, StageRecords.Imported imported,
      StageRecords.Calibrated calibrated, StageRecords.Trained trained, StageRecords.Coarse coarse,
      StageRecords.Encoded encoded, StageRecords.Built built, StageRecords.Evaluated evaluated) {
    long graphBytes = built.partitions().stream().mapToLong(HnswJob.Built::graphBytes).sum();
    long indexed = built.partitions().stream().mapToLong(HnswJob.Built::nodes).sum();
    Map<String, Double> seconds = new LinkedHashMap<>();
    seconds.put("import", imported.seconds());
    seconds.put("calibrate", calibrated.seconds());
    seconds.put("train", trained.seconds());
    seconds.put("coarse", coarse.seconds());
    seconds.put("encode", encoded.seconds());
    seconds.put("hnsw", built.seconds());
    seconds.put("evaluate", evaluated.seconds());
    return new PipelineResult(version, dir, o, imported.result().dim(), imported.result(), indexed,
        encoded.result().codeBytes(), trained.modelBytes(), trained.quantizerCrc(), graphBytes, built.partitions(),
        evaluated.result(), imported.querySource(), imported.queriesCrc(), built.indexJsonCrc(), seconds, calibrated.fingerprint(),
        evaluated.baselineError() == null ? Double.NaN : evaluated.baselineError(), -1);
  }

  /** This result with its codes committed to the root Delta table as {@code commit}. */
  public PipelineResult withDeltaVersion(long commit) {
    return new PipelineResult(version, versionUri, options, dim, imported, indexed, codeBytes, modelBytes, quantizerCrc,
        graphBytes, partitions, evaluation, queriesSource, queriesCrc, indexJsonCrc, stageSeconds, fingerprint, baselineError, commit);
  }

  /** Bytes per vector held in memory to search: the code plus the model spread over the corpus. */
  public double bytesPerVector() {
    return codeBytes == 0 ? 4.0 * dim : codeBytes + (double) modelBytes / indexed;
  }

  /** Memory for the corpus's codes and model ({@code none}: its float32 vectors). */
  public long memoryBytes() {
    return codeBytes == 0 ? 4L * dim * indexed : (long) codeBytes * indexed + modelBytes;
  }

  public double compressionRatio() {
    return 4.0 * dim / bytesPerVector();
  }

  /** The version's manifest: written last, pointed to by {@code _CURRENT} with its CRC32C. */
  public String manifestJson() {
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode root = mapper.createObjectNode();
    root.put("format", FORMAT).put("format_version", FORMAT_VERSION).put("version", version)
        .put("codebook_version", version).put("created", java.time.Instant.now().toString());
    root.put("strategy", options.strategy().name()).put("metric", options.metric().cliName()).put("dimension", dim);
    ObjectNode counts = root.putObject("counts");
    counts.put("input_rows", imported.rows()).put("valid", imported.valid()).put("rejected", imported.rejected())
        .put("indexed", indexed).put("held_out_queries", imported.valid() - indexed);
    ObjectNode reasons = counts.putObject("rejected_by_reason");
    imported.rejectedByReason().forEach(reasons::put);
    root.put("data_fingerprint", fingerprint);
    if (Double.isFinite(baselineError)) {
      root.putObject(Codebooks.DRIFT_BASELINE).put("mean_relative_error", baselineError)
          .put("sample", evaluation.queries()).put("measured_on", "held-out queries");
    }
    ObjectNode size = root.putObject("size");
    size.put("code_bytes", codeBytes).put("model_bytes", modelBytes).put("bytes_per_vector", bytesPerVector())
        .put("memory_bytes", memoryBytes()).put("float32_bytes", 4L * dim * indexed)
        .put("compression_ratio", compressionRatio()).put("graph_bytes", graphBytes);
    ObjectNode files = root.putObject("files");
    files.put("input", "input").put("rejected", "rejected").put("shards", "shards")
        .put("index", "index/index.json")
        .put("index_crc32c", indexJsonCrc)
        .put("queries", "stages/" + QUERIES_FILE).put("queries_crc32c", queriesCrc);
    if (codeBytes > 0) {
      files.put("quantizer", "index/quantizer.qpa").put("quantizer_crc32c", quantizerCrc);
    }
    if (deltaVersion >= 0) { // time travel: versionAsOf reads these codes after retention deletes this directory
      root.putObject("delta_table").put("path", PublishedTable.NAME).put("relative_to", "index root")
          .put("version", deltaVersion);
    }
    ArrayNode parts = root.putArray("partitions");
    for (HnswJob.Built b : partitions) {
      parts.addObject().put("centroid", b.centroid()).put("nodes", b.nodes()).put("graph_bytes", b.graphBytes())
          .put("vectors_crc32c", b.vectorsCrc()).put("build_seconds", b.buildSeconds());
    }
    ObjectNode e = root.putObject("evaluation");
    e.put("queries", evaluation.queries()).put("query_source", queriesSource).put("k", evaluation.k())
        .put("ef", evaluation.ef()).put("nprobe", evaluation.nprobe()).put("oversample", evaluation.oversample())
        .put("recall@1", evaluation.recallAt1()).put("recall@" + evaluation.k(), evaluation.recallAtK())
        .put("latency_p50_ms", evaluation.latencyP50Ms()).put("latency_p99_ms", evaluation.latencyP99Ms())
        .put("latency_mean_ms", evaluation.meanLatencyMs());
    if (evaluation.tuning() != null) {
      e.set("tuning", evaluation.tuning().toJson());
    }
    ObjectNode s = root.putObject("stage_seconds");
    stageSeconds.forEach(s::put);
    ObjectNode opts = root.putObject("options");
    options.toMap().forEach(opts::put);
    try {
      return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
  }

  /** The result table the pipeline command prints. */
  public String table() {
    String header = String.format("%-12s %10s %10s %12s %12s %10s %12s", "strategy", "vectors", "bytes/vec",
        "memory", "compression", "recall@" + evaluation.k(), "latency p50");
    String row = String.format("%-12s %,10d %10.1f %12s %11.1fx %10.4f %9.3f ms", options.strategy().name(), indexed,
        bytesPerVector(), human(memoryBytes()), compressionRatio(), evaluation.recallAtK(), evaluation.latencyP50Ms());
    return header + "\n" + "-".repeat(header.length()) + "\n" + row + "\n";
  }

  static String human(long bytes) {
    if (bytes >= 1L << 30) {
      return String.format("%.2f GiB", bytes / (double) (1L << 30));
    }
    if (bytes >= 1L << 20) {
      return String.format("%.2f MiB", bytes / (double) (1L << 20));
    }
    return String.format("%.1f KiB", bytes / 1024.0);
  }
}
