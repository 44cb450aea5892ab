package io.quantpipe.catalog;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quantpipe.drift.DriftBaseline;
import io.quantpipe.format.QuantizerArtifact;
import io.quantpipe.hnsw.HnswConfig;
import io.quantpipe.index.IndexManifest;
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

  private LocalPublisher() {}

  /**
   * Builds and publishes the next version.
   *
   * @param quantizer the quantizer, or {@code null} for float32
   * @param heldOut vectors not trained on (queries) to measure the drift baseline's reconstruction
   *     error on, or {@code null} to measure it on up to 10,000 of {@code vectors} (which flatters
   *     a quantizer trained on them)
   * @param strategy the strategy name recorded in the manifest
   * @return the new pointer
   */
  public static CatalogPointer publish(Path root, FloatVectors vectors, long[] ids, Similarity similarity,
      QuantizerArtifact quantizer, FloatVectors heldOut, String strategy, HnswConfig hnsw, int partitions)
      throws IOException, InterruptedException {
    int version = nextVersion(root);
    Path dir = root.resolve(CatalogPointer.versionDir(version));
    PartitionedIndexBuilder.build(vectors, ids, similarity, quantizer, hnsw, partitions, 1, dir.resolve("index"));
    byte[] indexJson = Files.readAllBytes(dir.resolve("index").resolve(IndexManifest.FILE));
    ObjectNode m = new ObjectMapper().createObjectNode();
    m.put("format", CatalogPointer.MANIFEST_FORMAT).put("format_version", 1).put("version", version)
        .put("codebook_version", version).put("created", java.time.Instant.now().toString()).put("strategy", strategy).put("metric", similarity.cliName())
        .put("dimension", vectors.dim()).put("published_by", LocalPublisher.class.getSimpleName());
    m.putObject("counts").put("indexed", vectors.count());
    FloatVectors sample = heldOut != null ? heldOut : vectors.slice(0, Math.min(vectors.count(), BASELINE_SAMPLE));
    if (quantizer != null) {
      m.putObject(Codebooks.DRIFT_BASELINE).put("mean_relative_error",
          DriftBaseline.meanRelativeError(quantizer.quantizer(), sample)).put("sample", sample.count())
          .put("measured_on", heldOut != null ? "held-out vectors" : "indexed vectors");
    }
    ObjectNode files = m.putObject("files").put("index", "index/" + IndexManifest.FILE)
        .put("index_crc32c", CodebookRelease.crc32c(indexJson));
    if (quantizer != null) {
      files.put("quantizer", "index/" + IndexManifest.QUANTIZER_FILE);
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
