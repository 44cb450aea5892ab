package io.quantpipe.bench.spark;

import io.quantpipe.spark.testing.DerivedCorpus;
import io.quantpipe.spark.testing.LocalClusterRun;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** One scale run's figures: the JSON record, the table row and the bytes each part of the index takes. Stateless. */
final class ScaleFigures {
  static final List<String> STAGES = ScaleBenchmark.STAGES;

  private ScaleFigures() {}

  /** The figures of one size, for {@code scale.json} (read by notebooks/scale.ipynb). */
  static Map<String, Object> record(long size, int partitions, LocalClusterRun.Outcome run,
                                           LocalClusterRun.Spec spec, Path root) throws IOException {
    JsonNode s = run.manifest().path("stage_seconds");
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("vectors", size);
    r.put("partitions", partitions);
    r.put("strategy", run.manifest().path("strategy").asText());
    r.put("dimension", run.manifest().path("dimension").asInt());
    r.put("executors", spec.executors());
    r.put("cores_per_executor", spec.coresPerExecutor());
    r.put("executor_memory_mb", spec.executorMemoryMb());
    r.put("nprobe", run.manifest().path("evaluation").path("nprobe").asInt());
    for (String stage : STAGES) {
      r.put(stage + "_seconds", s.path(stage).asDouble());
      r.put(stage + "_us_per_vector", 1e6 * s.path(stage).asDouble() / size);
      r.put(stage + "_peak_heap_mb", run.peakExecutorHeapBytes(stage) >> 20);
    }
    r.put("search_ms_per_query", run.manifest().path("evaluation").path("latency_mean_ms").asDouble());
    r.put("recall_at_10", run.manifest().path("evaluation").path("recall@10").asDouble());
    r.put("wall_seconds", run.seconds());
    r.put("size", run.manifest().path("size"));
    r.put("options", run.manifest().path("options"));
    r.put("bytes_written", bytesWritten(root));
    return r;
  }

  /** Bytes under each part of the published index: the version's input, shards and index, the Delta table. */
  static Map<String, Long> bytesWritten(Path root) throws IOException {
    Map<String, Long> bytes = new LinkedHashMap<>();
    Path version;
    try (Stream<Path> versions = Files.list(root.resolve("versions"))) {
      version = versions.sorted().reduce((a, b) -> b).orElseThrow();
    }
    for (String part : List.of("input", "shards", "index")) {
      bytes.put(part, directoryBytes(version.resolve(part)));
    }
    bytes.put("table", directoryBytes(root.resolve("table")));
    return bytes;
  }

  static long directoryBytes(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
    }
  }

  static String row(long size, int partitions, LocalClusterRun.Outcome run) {
    JsonNode s = run.manifest().path("stage_seconds");
    return String.format(Locale.ROOT,
        "| %,d | %d | %d | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.2f | %d | %d | %d | %d | %d"
            + " | %.4f |",
        size, partitions, run.manifest().path("evaluation").path("nprobe").asInt(), s.path("import").asDouble(),
        s.path("calibrate").asDouble(), s.path("train").asDouble(),
        s.path("coarse").asDouble(), s.path("encode").asDouble(), s.path("hnsw").asDouble(),
        s.path("evaluate").asDouble(), 1e6 * s.path("train").asDouble() / size,
        1e6 * s.path("encode").asDouble() / size, 1e6 * s.path("hnsw").asDouble() / size,
        run.manifest().path("evaluation").path("latency_mean_ms").asDouble(), run.peakExecutorHeapBytes("import") >> 20,
        run.peakExecutorHeapBytes("train") >> 20, run.peakExecutorHeapBytes("encode") >> 20,
        run.peakExecutorHeapBytes("hnsw") >> 20, run.peakExecutorHeapBytes("evaluate") >> 20,
        run.manifest().path("evaluation").path("recall@10").asDouble());
  }
}
