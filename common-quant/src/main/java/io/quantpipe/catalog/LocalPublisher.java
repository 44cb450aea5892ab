package io.quantpipe.catalog;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quantpipe.drift.DriftBaseline;
import io.quantpipe.eval.IndexEvaluation;
import io.quantpipe.format.QuantizerArtifact;
import io.quantpipe.hnsw.HnswConfig;
import io.quantpipe.index.IndexManifest;
import io.quantpipe.index.PartitionedIndex;
import io.quantpipe.index.PartitionedIndexBuilder;
import io.quantpipe.vector.FloatVectors;
import io.quantpipe.vector.Similarity;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Publishes a version under a local index root in plain Java, in the layout the Spark pipeline
 * writes: {@code versions/v-NNNNNN/index/} (built by {@link PartitionedIndexBuilder}), then its
 * {@code manifest.json}, then the {@link CatalogPointer} switched by an atomic rename. For
 * single-machine corpora, tests and the stream demo; a reader cannot tell it from a Spark-published
 * version. Not safe for two concurrent publishers on one root.
 */
public final class LocalPublisher {
  private static final Pattern NAME = Pattern.compile("v-(\\d{6,})");
  /** Vectors the drift baseline's mean reconstruction error is measured on. */
  private static final int BASELINE_SAMPLE = 10_000;
  /** The search parameters a version is evaluated at, and so served with by default. */
  private static final int EVAL_K = 10;
  private static final int EVAL_EF = 64;
  private static final int EVAL_NPROBE = 4;
  private static final int EVAL_OVERSAMPLE = 4;
  /** The held-out queries, under the version's {@code stages/}, as the manifest's {@code files.queries} names them. */
  public static final String QUERIES_FILE = "queries.fvecs";

  private LocalPublisher() {}

  /**
   * Builds and publishes the next version.
   *
   * @param quantizer the quantizer, or {@code null} for float32
   * @param heldOut vectors not trained on (queries): the drift baseline's reconstruction error and
   *     the {@code evaluation} (recall@1 and @10 against exact neighbours, latency, at ef 64, the
   *     nearest 4 partitions and, for a hybrid strategy, oversample 4) are measured on them; or
   *     {@code null} for no evaluation and a drift baseline on up to 10,000 of {@code vectors}
   *     (which flatters a quantizer trained on them)
   * @param strategy the strategy name recorded in the manifest
   * @return the new pointer
   */
  public static CatalogPointer publish(Path root, FloatVectors vectors, long[] ids, Similarity similarity,
      QuantizerArtifact quantizer, FloatVectors heldOut, String strategy, HnswConfig hnsw, int partitions)
      throws IOException, InterruptedException {
    int version = nextVersion(root);
    Path dir = root.resolve(CatalogPointer.versionDir(version));
    long t0 = System.nanoTime();
    PartitionedIndexBuilder.build(vectors, ids, similarity, quantizer, hnsw, partitions, 1, dir.resolve("index"));
    double buildSeconds = (System.nanoTime() - t0) / 1e9;
    byte[] indexJson = Files.readAllBytes(dir.resolve("index").resolve(IndexManifest.FILE));
    boolean hybrid = quantizer != null && strategy.startsWith("hybrid-");
    ObjectNode m = new ObjectMapper().createObjectNode();
    m.put("format", CatalogPointer.MANIFEST_FORMAT).put("format_version", 1).put("version", version)
        .put("codebook_version", version).put("created", java.time.Instant.now().toString()).put("strategy", strategy).put("metric", similarity.cliName())
        .put("dimension", vectors.dim()).put("published_by", LocalPublisher.class.getSimpleName());
    m.putObject("counts").put("input_rows", vectors.count()).put("valid", vectors.count()).put("rejected", 0)
        .put("indexed", vectors.count()).put("held_out_queries", heldOut == null ? 0 : heldOut.count())
        .putObject("rejected_by_reason");
    // As the Spark pipeline records it: float32 has no codes (0 bytes) and compresses 1x.
    int codeBytes = quantizer == null ? 0 : quantizer.quantizer().codeBytes();
    m.putObject("size").put("code_bytes", codeBytes).put("float32_bytes", 4L * vectors.dim() * vectors.count())
        .put("compression_ratio", quantizer == null ? 1.0 : 4.0 * vectors.dim() / codeBytes);
    FloatVectors sample = heldOut != null ? heldOut : vectors.slice(0, Math.min(vectors.count(), BASELINE_SAMPLE));
    if (quantizer != null) {
      m.putObject(Codebooks.DRIFT_BASELINE).put("mean_relative_error",
          DriftBaseline.meanRelativeError(quantizer.quantizer(), sample)).put("sample", sample.count())
          .put("measured_on", heldOut != null ? "held-out vectors" : "indexed vectors");
    }
    ObjectNode files = m.putObject("files").put("index", "index/" + IndexManifest.FILE)
        .put("index_crc32c", CodebookRelease.crc32c(indexJson));
    if (quantizer != null) {
      files.put("quantizer", "index/" + IndexManifest.QUANTIZER_FILE).put("quantizer_crc32c", quantizer.crc32c());
    }
    if (heldOut != null) { // as the pipeline publishes them: the queries a node's /v1/benchmark measures on
      Path queries = dir.resolve("stages").resolve(QUERIES_FILE);
      Files.createDirectories(queries.getParent());
      io.quantpipe.vector.FvecsWriter.writeFvecs(queries, heldOut);
      files.put("queries", "stages/" + QUERIES_FILE).put("queries_crc32c",
          CodebookRelease.crc32c(Files.readAllBytes(queries)));
    }
    int nprobe = Math.min(EVAL_NPROBE, partitions);
    int oversample = hybrid ? EVAL_OVERSAMPLE : 1;
    m.putObject("options").put("strategy", strategy).put("metric", similarity.cliName()).put("seed", hnsw.seed())
        .put("partitions", partitions).put("coarse-iterations", PartitionedIndexBuilder.COARSE_ITERATIONS)
        .put("hnsw-m", hnsw.m()).put("hnsw-ef-construction", hnsw.efConstruction()).put("eval-k", EVAL_K)
        .put("eval-ef", EVAL_EF).put("eval-nprobe", nprobe).put("eval-oversample", oversample);
    ObjectNode stages = m.putObject("stage_seconds").put("build", buildSeconds);
    if (heldOut != null) {
      long t1 = System.nanoTime();
      PartitionedIndex index = PartitionedIndex.open(dir.resolve("index"), false);
      ObjectNode evaluation = IndexEvaluation.measure(index, vectors, ids, heldOut, similarity, EVAL_K, EVAL_EF, nprobe,
          oversample).toJson().put("query_source", "held-out vectors given to " + LocalPublisher.class.getSimpleName());
      m.set("evaluation", evaluation);
      stages.put("evaluate", (System.nanoTime() - t1) / 1e9);
    }
    byte[] manifest = (m.toPrettyString() + "\n").getBytes(StandardCharsets.UTF_8);
    Files.write(dir.resolve(CatalogPointer.MANIFEST), manifest);
    CatalogPointer pointer = new CatalogPointer(version, CodebookRelease.crc32c(manifest));
    switchPointer(root, pointer);
    return pointer;
  }

  /** Points the root at {@code pointer}'s version: written beside, then renamed over the old pointer. */
  public static void switchPointer(Path root, CatalogPointer pointer) throws IOException {
    Path staged = root.resolve("." + CatalogPointer.FILE + "." + pointer.version());
    Files.write(staged, pointer.toBytes());
    Files.move(staged, root.resolve(CatalogPointer.FILE), StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
  }

  private static int nextVersion(Path root) throws IOException {
    Path versions = root.resolve(CatalogPointer.VERSIONS);
    if (!Files.isDirectory(versions)) {
      return 1;
    }
    int max = 0;
    try (Stream<Path> dirs = Files.list(versions)) {
      for (Path d : (Iterable<Path>) dirs::iterator) {
        Matcher matcher = NAME.matcher(d.getFileName().toString());
        if (matcher.matches()) {
          max = Math.max(max, Integer.parseInt(matcher.group(1)));
        }
      }
    }
    return max + 1;
  }
}
