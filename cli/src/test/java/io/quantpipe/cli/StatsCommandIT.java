package io.quantpipe.cli;

import io.quantpipe.storage.stats.IndexStatistics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import io.quantpipe.catalog.CatalogPointer;
import io.quantpipe.catalog.CodebookRelease;
import io.quantpipe.spark.SparkTestBase;
import io.quantpipe.spark.jobs.Pipeline;
import io.quantpipe.spark.options.PipelineOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/quantpipe stats} over an index the real pipeline published from the bundled siftsmall
 * (hybrid-pq, once for the class): the figures against the manifest, the files on disk and the
 * Parquet shards; then each way of failing (nothing published, a pointer whose CRC does not match,
 * a missing or unreadable manifest, an unknown or incomplete version, unreachable storage, and with
 * {@code --verify} a partition file changed in storage after publish) exits with 2 and one line
 * naming the path and the reason. Failure cases run on copies of the published
 * files, so the published root stays intact for the other tests.
 */
class StatsCommandIT extends SparkTestBase {
  @TempDir
  static Path tmp;
  static Path root;
  static Path versionDir;
  static JsonNode manifest;

  @BeforeAll
  static void publish() throws Exception {
    root = tmp.resolve("index");
    // Stats reads neither the Delta table nor the shards' float column: skip writing them to save time.
    Pipeline.run(spark, options(root.toString(), PipelineOptions.STRATEGY, "hybrid-pq", PipelineOptions.DELTA, "false",
        PipelineOptions.INCLUDE_VECTORS, "false", PipelineOptions.COARSE_ITERATIONS, "4"));
    versionDir = root.resolve("versions").resolve("v-000001");
    manifest = new ObjectMapper().readTree(versionDir.resolve("manifest.json").toFile());
  }

  @Test
  void statisticsMatchTheManifestTheFilesOnDiskAndTheShards() throws Exception {
    Path json = tmp.resolve("stats.json");
    Result r = stats("--index", root.toString(), "--json", json.toString());
    assertThat(r.code).as(r.err).isZero();
    // The --json file holds the same figures as the text: read it back as the statistics record.
    IndexStatistics s = new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
        .readValue(json.toFile(), IndexStatistics.class);
    JsonNode counts = manifest.path("counts");

    // Counts: input minus rejected (minus held-out queries, none with a query file), as the shards hold.
    assertThat(s.version()).isEqualTo(1);
    assertThat(s.current()).isTrue();
    assertThat(s.corpus().vectors()).isEqualTo(counts.path("input_rows").asLong() - counts.path("rejected").asLong()
        - counts.path("held_out_queries").asLong()).isEqualTo(10_000);
    assertThat(s.corpus().vectors()).isEqualTo(spark.read().parquet(versionDir.resolve("shards").toString()).count());
    assertThat(s.corpus().rejected()).isEqualTo(counts.path("rejected").asLong());
    assertThat(s.corpus().dimension()).isEqualTo(128);
    assertThat(s.corpus().strategy()).isEqualTo("hybrid-pq");
    assertThat(s.corpus().evaluateOptions()).isEqualTo("--metric l2 --strategies hybrid-pq --pq-m 16 "
        + "--pq-iterations 4 --train-samples " + manifest.path("options").path("train-samples").asText()
        + " --oversample 4 --seed 42 --k 10");

    // Training, as the manifest and the artifact's header record it.
    assertThat(s.training().codebookVersion()).isEqualTo(manifest.path("codebook_version").asInt());
    assertThat(s.training().seed()).isEqualTo(42);
    assertThat(s.training().quantizerParams()).containsEntry("M", 16).containsEntry("kmeans_niter", 4);
    assertThat(s.training().trainSeconds()).isEqualTo(manifest.path("stage_seconds").path("train").asDouble());

    // Memory: every figure from a real file size; the ratio is float32 over the total.
    IndexStatistics.Memory m = s.memory();
    Path index = versionDir.resolve("index");
    assertThat(m.codes()).isEqualTo(16L * s.corpus().vectors());
    assertThat(m.model()).isEqualTo(Files.size(index.resolve("quantizer.qpa")))
        .isEqualTo(manifest.path("size").path("model_bytes").asLong());
    assertThat(m.graph() + m.codes()).isEqualTo(sizes(index, ".qph"));
    assertThat(m.float32Vectors()).isEqualTo(sizes(index, ".fvecs") - Files.size(index.resolve("centroids.fvecs")));
    assertThat(m.centroids()).isEqualTo(Files.size(index.resolve("centroids.fvecs")));
    assertThat(m.indexFiles()).isEqualTo(sizes(index, ""));
    assertThat(m.total()).isEqualTo(m.codes() + m.model()).isEqualTo(manifest.path("size").path("memory_bytes").asLong());
    assertThat(m.float32()).isEqualTo(s.corpus().vectors() * 128 * 4);
    assertThat(m.saved()).isEqualTo(m.float32() - m.total());
    assertThat(m.compressionRatio()).isEqualTo((double) m.float32() / m.total())
        .isCloseTo(manifest.path("size").path("compression_ratio").asDouble(), within(1e-9));
    assertThat(m.float32VectorsRole()).isEqualTo("rescoring");

    // Partitions: sizes sum to the corpus, bytes are the files'.
    List<IndexStatistics.Partition> parts = s.partitions().byPartition();
    assertThat(parts).hasSize(4);
    assertThat(parts.stream().mapToLong(IndexStatistics.Partition::vectors).sum()).isEqualTo(s.corpus().vectors());
    for (IndexStatistics.Partition p : parts) {
      assertThat(p.graphFileBytes()).isEqualTo(Files.size(index.resolve(String.format("part-%05d.qph", p.centroid()))));
      assertThat(p.vectorFileBytes()).isEqualTo(Files.size(index.resolve(String.format("part-%05d.fvecs", p.centroid()))));
      assertThat(p.vectors()).isEqualTo(manifest.path("partitions").get(p.centroid()).path("nodes").asLong());
    }
    IndexStatistics.Balance b = s.partitions().vectorBalance();
    assertThat(b.mean()).isEqualTo(s.corpus().vectors() / 4.0);
    assertThat(b.maxOverMean()).isEqualTo(b.max() / b.mean()).isGreaterThanOrEqualTo(1.0);
    assertThat(b.min()).isLessThanOrEqualTo((long) b.mean());

    // Evaluation, as published.
    JsonNode e = manifest.path("evaluation");
    assertThat(s.evaluation().recallAtK()).isEqualTo(e.path("recall@10").asDouble());
    assertThat(s.evaluation().latencyP50Ms()).isEqualTo(e.path("latency_p50_ms").asDouble());
    assertThat(s.versions()).containsExactly(new IndexStatistics.VersionEntry(1, true, true));

    assertThat(r.out).contains("version 1 (current)").contains("vectors              10,000")
        .containsPattern("compression vs float32 +" + String.format(Locale.ROOT, "%.2f", m.compressionRatio()) + "x")
        .contains("recall@10            " + String.format(Locale.ROOT, "%.4f", s.evaluation().recallAtK()))
        .contains("v1       complete, current (shown above)");
  }

  @Test
  void anEarlierCompleteVersionIsShownAndAnIncompleteOneRefused() throws Exception {
    Path copy = copyOfRoot("versions");
    // Version 2 (a republished copy of 1) is current, version 3's run failed before publishing.
    Path v1 = copy.resolve("versions/v-000001");
    Path v2 = Files.createDirectories(copy.resolve("versions/v-000002/index"));
    try (Stream<Path> files = Files.list(v1.resolve("index"))) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Files.copy(f, v2.resolve(f.getFileName()));
      }
    }
    byte[] manifest2 = Files.readString(v1.resolve("manifest.json")).replaceFirst("\"version\" : 1,", "\"version\" : 2,")
        .getBytes(StandardCharsets.UTF_8);
    Files.write(copy.resolve("versions/v-000002/manifest.json"), manifest2);
    Files.write(copy.resolve("_CURRENT"), new CatalogPointer(2, CodebookRelease.crc32c(manifest2)).toBytes());
    Files.createDirectories(copy.resolve("versions/v-000003"));

    Result current = stats("--index", copy.toString());
    assertThat(current.code).as(current.err).isZero();
    assertThat(current.out).contains("version 2 (current)");
    Result earlier = stats("--index", copy.toString(), "--version", "1");
    assertThat(earlier.code).as(earlier.err).isZero();
    assertThat(earlier.out).startsWith("index " + copy + ", version 1, published ")
        .contains("  v1       complete (shown above)\n  v2       complete, current\n"
            + "  v3       incomplete (no manifest)\n");

    Result refused = stats("--index", copy.toString(), "--version", "3");
    assertThat(refused.code).isEqualTo(2);
    assertThat(refused.err).isEqualTo(String.format("stats: Version 3 under %s is incomplete: no %s (its run failed "
        + "or has not published yet); complete versions: 1, 2%n", copy, copy.resolve("versions/v-000003/manifest.json")));
  }

  @Test
  void anUnknownVersionIsRefusedNamingThePresentOnes() {
    Result r = stats("--index", root.toString(), "--version", "9");
    assertThat(r.code).isEqualTo(2);
    assertThat(r.err).isEqualTo("stats: No version 9 under " + root + "; versions present: 1 (current)"
        + System.lineSeparator());
  }

  @Test
  void nothingPublishedIsAnError() throws IOException {
    Path empty = Files.createDirectories(tmp.resolve("empty"));
    Result r = stats("--index", empty.toString());
    assertThat(r.code).isEqualTo(2);
    assertThat(r.err).startsWith("stats: Nothing is published under " + empty + ": no " + empty + "/_CURRENT");

    Result missing = stats("--index", tmp.resolve("no-such-root").toString());
    assertThat(missing.code).isEqualTo(2);
    assertThat(missing.err).isEqualTo("stats: No index at " + tmp.resolve("no-such-root")
        + ": the directory does not exist" + System.lineSeparator());
  }

  @Test
  void aPointerWhoseChecksumDoesNotMatchTheManifestIsRefused() throws IOException {
    Path copy = copyOfRoot("bad-crc");
    long crc = new ObjectMapper().readTree(copy.resolve("_CURRENT").toFile()).path("manifest_crc32c").asLong();
    long wrong = crc ^ 1;
    Files.writeString(copy.resolve("_CURRENT"), "{\"version\":1,\"manifest_crc32c\":" + wrong + "}\n");
    Result r = stats("--index", copy.toString());
    assertThat(r.code).isEqualTo(2);
    assertThat(r.err).isEqualTo(String.format("stats: %s: checksum mismatch: CRC32C 0x%08X, the version pointer "
        + "names 0x%08X%n", copy.resolve("versions/v-000001/manifest.json"), crc, wrong));
  }

  @Test
  void aMissingOrUnreadableManifestIsRefused() throws IOException {
    Path gone = copyOfRoot("no-manifest");
    Files.delete(gone.resolve("versions/v-000001/manifest.json"));
    Result r = stats("--index", gone.toString());
    assertThat(r.code).isEqualTo(2);
    assertThat(r.err).isEqualTo(String.format("stats: %s: missing, but %s/_CURRENT names version 1%n",
        gone.resolve("versions/v-000001/manifest.json"), gone));

    Path garbled = copyOfRoot("garbled-manifest");
    byte[] bytes = "{\"format\": \"quantpipe-index-version\", \"version\": ".getBytes(StandardCharsets.UTF_8);
    Files.write(garbled.resolve("versions/v-000001/manifest.json"), bytes);
    Files.write(garbled.resolve("_CURRENT"), new CatalogPointer(1, CodebookRelease.crc32c(bytes)).toBytes());
    Result g = stats("--index", garbled.toString());
    assertThat(g.code).isEqualTo(2);
    assertThat(g.err).startsWith("stats: " + garbled.resolve("versions/v-000001/manifest.json")
        + ": unreadable manifest: ");
  }

  @Test
  void anIndexFileThatIsNotTheOneTheManifestNamesIsRefused() throws IOException {
    Path copy = copyOfRoot("bad-index-json");
    Path indexJson = copy.resolve("versions/v-000001/index/index.json");
    Files.writeString(indexJson, Files.readString(indexJson).replace("\"ef_construction\" : 64", "\"ef_construction\" : 65"));
    Result r = stats("--index", copy.toString());
    assertThat(r.code).isEqualTo(2);
    assertThat(r.err).startsWith("stats: " + indexJson + ": checksum mismatch: CRC32C 0x")
        .contains(copy.resolve("versions/v-000001/manifest.json") + " records 0x");
  }

  @Test
  void verifyReadsEveryIndexFileAndRefusesOneChangedInStorage() throws IOException {
    Result intact = stats("--index", root.toString(), "--verify");
    assertThat(intact.code).as(intact.err).isZero();
    JsonNode indexJson = new ObjectMapper().readTree(versionDir.resolve("index/index.json").toFile());
    int files = 2 + 2 * indexJson.path("partitions").size(); // quantizer, centroids, a graph and a vector file each
    assertThat(intact.out).containsPattern(String.format("verified: %,d index files, [0-9,]+ bytes, every checksum "
        + "matches", files));

    for (String suffix : new String[] {".qph", ".fvecs"}) { // a graph (CRC32C footer), a vector file (CRC in index.json)
      Path copy = copyOfRoot("changed" + suffix);
      Path part;
      try (Stream<Path> list = Files.list(copy.resolve("versions/v-000001/index"))) {
        part = list.filter(f -> f.getFileName().toString().startsWith("part-") && f.toString().endsWith(suffix))
            .sorted().findFirst().orElseThrow();
      }
      byte[] bytes = Files.readAllBytes(part);
      bytes[bytes.length / 2] ^= 0x10; // one bit, in the middle: the length and the footer are unchanged
      Files.write(part, bytes);

      assertThat(stats("--index", copy.toString()).code).as("without --verify, stats reads only the manifests").isZero();
      Result r = stats("--index", copy.toString(), "--verify");
      assertThat(r.code).isEqualTo(2);
      assertThat(r.err).startsWith("stats: " + part + ": checksum mismatch: ")
          .doesNotContain("\tat ");
    }
  }

  @Test
  void unreachableStorageFailsFastNamingTheRoot() {
    // A closed port: S3A's connection is refused at once, and stats turns its retries down.
    Result r = stats("--index", "s3a://quantpipe-stats/index", "--hadoop", "fs.s3a.endpoint=http://127.0.0.1:1",
        "--hadoop", "fs.s3a.path.style.access=true", "--hadoop", "fs.s3a.access.key=test",
        "--hadoop", "fs.s3a.secret.key=test");
    assertThat(r.code).isEqualTo(2);
    assertThat(r.err).startsWith("stats: Cannot read the index s3a://quantpipe-stats/index: the endpoint is "
        + "unreachable (check fs.s3a.endpoint and the network). Cause: ").doesNotContain("\tat ");
  }

  /** The files stats reads (pointer, manifest, index/), without Hadoop's .crc side files. */
  private static Path copyOfRoot(String name) throws IOException {
    Path copy = tmp.resolve(name);
    Path index = Files.createDirectories(copy.resolve("versions/v-000001/index"));
    Files.copy(root.resolve("_CURRENT"), copy.resolve("_CURRENT"));
    Files.copy(versionDir.resolve("manifest.json"), copy.resolve("versions/v-000001/manifest.json"));
    try (Stream<Path> files = Files.list(versionDir.resolve("index"))) {
      for (Path f : (Iterable<Path>) files::iterator) {
        if (!f.getFileName().toString().startsWith(".")) {
          Files.copy(f, index.resolve(f.getFileName()));
        }
      }
    }
    return copy;
  }

  /** Bytes of the files in {@code dir} whose names end with {@code suffix} (Hadoop's .crc files left out). */
  private static long sizes(Path dir, String suffix) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> !f.getFileName().toString().startsWith(".") && f.toString().endsWith(suffix))
          .mapToLong(f -> f.toFile().length()).sum();
    }
  }

  private record Result(int code, String out, String err) {}

  private static Result stats(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = StatsCommand.run(new PrintWriter(out), new PrintWriter(err), args);
    return new Result(code, out.toString(), err.toString());
  }
}
