package io.quantpipe.spark.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.quantpipe.format.QuantizerCodec;
import io.quantpipe.index.IndexHits;
import io.quantpipe.index.PartitionedIndex;
import io.quantpipe.quant.Quantizer;
import io.quantpipe.spark.SparkTestBase;
import io.quantpipe.storage.PublishedIndex;
import io.quantpipe.storage.VersionCatalog;
import io.quantpipe.spark.options.PipelineOptions;
import io.quantpipe.vector.FloatVectors;
import io.quantpipe.vector.FvecsReader;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole pipeline on the bundled data, on the local file system: what it publishes, read back
 * by the serving reader and by Parquet without Spark; versions, the pointer, retention, and a
 * failed run that leaves the previous version current.
 */
class PipelineIT extends SparkTestBase {
  @TempDir
  java.nio.file.Path tmp;

  @Test
  void publishesAnIndexTheServingReaderAndOtherEnginesRead() throws Exception {
    String root = tmp.resolve("index").toUri().toString();
    PipelineResult r = Pipeline.run(spark, options(root, PipelineOptions.STRATEGY, "hybrid-pq"));
    assertThat(r.version()).isEqualTo(1);
    assertThat(r.indexed()).isEqualTo(10_000);
    assertThat(r.imported().rejected()).isZero();
    assertThat(r.codeBytes()).isEqualTo(16);
    assertThat(r.evaluation().recallAtK()).isGreaterThan(0.9);
    assertThat(r.table()).contains("hybrid-pq").contains("10,000");
    SparkCodesFixture.checkOrWrite(spark, tmp.resolve("index"),
        java.nio.file.Path.of(java.net.URI.create(r.versionUri())));

    Configuration conf = spark.sparkContext().hadoopConfiguration();
    JsonNode manifest = PublishedIndex.manifest(root, conf);
    assertThat(manifest.path("evaluation").path("recall@10").asDouble()).isEqualTo(r.evaluation().recallAtK());
    assertThat(manifest.path("counts").path("indexed").asLong()).isEqualTo(10_000);

    // The serving reader answers like the Spark evaluation did.
    FloatVectors queries = FvecsReader.readFvecs(SIFTSMALL.resolve("query.fvecs"), 20);
    int[][] truth = FvecsReader.readIvecs(SIFTSMALL.resolve("groundtruth.ivecs"));
    {
      PartitionedIndex index = PublishedIndex.open(root, conf, tmp.resolve("serving"));
      assertThat(index.liveCount()).isEqualTo(10_000);
      double recall = 0;
      for (int q = 0; q < queries.count(); q++) {
        IndexHits hits = index.search(queries.get(q), 10, 64, 2, 4, null);
        Set<Long> exact = new HashSet<>();
        for (int j = 0; j < 10; j++) {
          exact.add((long) truth[q][j]);
        }
        for (long id : hits.ids()) {
          recall += exact.contains(id) ? 0.1 : 0;
        }
      }
      assertThat(recall / queries.count()).isCloseTo(r.evaluation().recallAtK(), org.assertj.core.data.Offset.offset(0.011));
    }

    // Shard codes equal plain-Java codes from the shipped quantizer, byte for byte.
    String version = r.versionUri();
    Quantizer q = QuantizerCodec.read(Files.readAllBytes(java.nio.file.Path.of(new java.net.URI(version + "/index/quantizer.qpa"))),
        "test").quantizer();
    FloatVectors base = FvecsReader.readFvecs(SIFTSMALL.resolve("base.fvecs"));
    List<Row> shard = spark.read().parquet(version + "/shards").where("id % 50 = 0").collectAsList();
    assertThat(shard).hasSize(200);
    byte[] expected = new byte[q.codeBytes()];
    for (Row row : shard) {
      q.encode(base.get((int) row.getLong(0)), expected, 0);
      assertThat((byte[]) row.getAs("code")).as("code of %d", row.getLong(0)).isEqualTo(expected);
      assertThat(row.<Integer>getAs("codebook_version")).isEqualTo(1);
    }
    // The root Delta table's commit, recorded in the manifest, holds the same rows.
    String table = io.quantpipe.spark.io.PublishedTable.uri(new org.apache.hadoop.fs.Path(version).getParent().getParent().toString());
    long commit = new com.fasterxml.jackson.databind.ObjectMapper().readTree(
        Files.readAllBytes(java.nio.file.Path.of(new java.net.URI(version + "/manifest.json")))).get("delta_table").get("version").asLong();
    assertThat(r.deltaVersion()).isEqualTo(commit);
    assertThat(io.quantpipe.spark.io.PublishedTable.read(spark, table, commit).count()).isEqualTo(10_000);
    assertThat(io.quantpipe.spark.io.PublishedTable.read(spark, table, commit).where("partition = 0").count())
        .isEqualTo(r.partitions().get(0).nodes());

    // Parquet alone, no Spark: columns id (long), partition (int), code (binary), codebook_version.
    long rows = 0;
    for (java.nio.file.Path file : parquetFiles(java.nio.file.Path.of(new java.net.URI(version + "/shards")))) {
      try (ParquetReader<Group> reader = ParquetReader.builder(new GroupReadSupport(), new Path(file.toUri())).build()) {
        for (Group g; (g = reader.read()) != null; rows++) {
          long id = g.getLong("id", 0);
          q.encode(base.get((int) id), expected, 0);
          assertThat(g.getBinary("code", 0).getBytes()).isEqualTo(expected);
          assertThat(g.getInteger("partition", 0)).isBetween(0, 3);
        }
      }
    }
    assertThat(rows).isEqualTo(10_000);
  }

  @Test
  void aFailedRunLeavesThePreviousVersionCurrentAndRetentionRemovesOldVersions() throws Exception {
    String root = tmp.resolve("versions").toUri().toString();
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    VersionCatalog catalog = new VersionCatalog(root, conf);
    Pipeline.run(spark, options(root, PipelineOptions.STRATEGY, "sq8", PipelineOptions.RETAIN_VERSIONS, "1"));
    Pipeline.run(spark, options(root, PipelineOptions.STRATEGY, "bq-asym", PipelineOptions.RETAIN_VERSIONS, "1"));
    assertThat(catalog.current().version()).isEqualTo(2);
    assertThat(catalog.versions()).containsExactly(2); // retain-versions=1 removed version 1

    // PQ with 100 training samples cannot fill 256 centroids: the run fails after its import.
    assertThatThrownBy(() -> Pipeline.run(spark, options(root, PipelineOptions.STRATEGY, "pq",
        PipelineOptions.TRAIN_SAMPLES, "100"))).hasMessageContaining("fewer than the 256 centroids");
    assertThat(catalog.versions()).containsExactly(2, 3);
    assertThat(catalog.current().version()).isEqualTo(2);
    assertThat(PublishedIndex.manifest(root, conf).path("strategy").asText()).isEqualTo("bq-asym");
    assertThat(PublishedIndex.open(root, conf, tmp.resolve("after-failure")).liveCount()).isEqualTo(10_000);

    // The next good run gets a new number; the abandoned directory is cleaned up (at once here:
    // by default an incomplete version must be idle for a day, as it may be a concurrent run's).
    conf.setLong(VersionCatalog.ABANDONED_AFTER_KEY, 0);
    PipelineResult next;
    try {
      next = Pipeline.run(spark, options(root, PipelineOptions.STRATEGY, "none",
          PipelineOptions.RETAIN_VERSIONS, "1", PipelineOptions.DELTA, "false"));
    } finally {
      conf.unset(VersionCatalog.ABANDONED_AFTER_KEY);
    }
    assertThat(next.version()).isEqualTo(4);
    assertThat(catalog.versions()).containsExactly(4);
    assertThat(next.evaluation().recallAtK()).isGreaterThan(0.95);
  }

  @Test
  void aCorruptManifestIsRefused() throws Exception {
    String root = tmp.resolve("corrupt").toUri().toString();
    PipelineResult r = Pipeline.run(spark, options(root, PipelineOptions.STRATEGY, "sq8", PipelineOptions.DELTA, "false"));
    java.nio.file.Path manifest = java.nio.file.Path.of(new java.net.URI(r.versionUri() + "/manifest.json"));
    Files.writeString(manifest, Files.readString(manifest).replace("\"sq8\"", "\"sq4\""));
    Files.deleteIfExists(manifest.resolveSibling(".manifest.json.crc")); // as on S3: no Hadoop sidecar
    assertThatThrownBy(() -> PublishedIndex.manifest(root, spark.sparkContext().hadoopConfiguration()))
        .hasMessageContaining("checksum mismatch");
  }

  @Test
  void aTargetRecallIsReachedAtTheCheapestSettingWhateverThePartitioning() throws Exception {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    double target = 0.97;
    JsonNode[] tunings = new JsonNode[2];
    PipelineResult r = null;
    for (int run = 0; run < 2; run++) {
      String root = tmp.resolve("tuned-" + run).toUri().toString();
      r = Pipeline.run(spark, options(root, PipelineOptions.STRATEGY, "sq8", PipelineOptions.DELTA, "false",
          PipelineOptions.EVAL_QUERIES, "100", PipelineOptions.TARGET_RECALL, Double.toString(target),
          PipelineOptions.INPUT_PARTITIONS, run == 0 ? "2" : "5"));
      JsonNode e = PublishedIndex.manifest(root, conf).path("evaluation");
      assertThat(e.path("recall@10").asDouble()).isGreaterThanOrEqualTo(target);
      assertThat(e.path("tuning").path("reached").asBoolean()).isTrue();
      assertThat(e.path("tuning").path("settings_tried").asInt()).isEqualTo(40); // nprobe 1..4 x ef 10..256
      // The served setting is the cheapest frontier point reaching the target; cheaper ones fall short.
      JsonNode chosen = null;
      for (JsonNode f : e.path("tuning").path("frontier")) {
        if (chosen == null && f.path("recall@10").asDouble() >= target) {
          chosen = f;
        }
      }
      assertThat(chosen).isNotNull();
      assertThat(e.path("nprobe").asInt()).isEqualTo(chosen.path("nprobe").asInt());
      assertThat(e.path("ef").asInt()).isEqualTo(chosen.path("ef").asInt());
      tunings[run] = e.path("tuning");
    }
    // Cost is bytes scored, not time: the same data chooses the same setting however it is split.
    for (int i = 0; i < tunings[0].path("frontier").size(); i++) {
      JsonNode a = tunings[0].path("frontier").get(i);
      JsonNode b = tunings[1].path("frontier").get(i);
      assertThat(List.of(b.path("nprobe").asInt(), b.path("ef").asInt(), b.path("bytes_per_query").asLong(),
          b.path("recall@10").asDouble())).isEqualTo(List.of(a.path("nprobe").asInt(), a.path("ef").asInt(),
              a.path("bytes_per_query").asLong(), a.path("recall@10").asDouble()));
    }

    // The serving reader at the chosen setting reaches the target on the same queries.
    FloatVectors queries = FvecsReader.readFvecs(SIFTSMALL.resolve("query.fvecs"));
    int[][] truth = FvecsReader.readIvecs(SIFTSMALL.resolve("groundtruth.ivecs"));
    PartitionedIndex index = PublishedIndex.open(tmp.resolve("tuned-1").toUri().toString(), conf,
        tmp.resolve("tuned-serving"));
    double recall = 0;
    for (int q = 0; q < queries.count(); q++) {
      IndexHits hits = index.search(queries.get(q), 10, r.evaluation().ef(), r.evaluation().nprobe(),
          r.evaluation().oversample(), null);
      Set<Long> exact = new HashSet<>();
      for (int j = 0; j < 10; j++) {
        exact.add((long) truth[q][j]);
      }
      for (long id : hits.ids()) {
        recall += exact.contains(id) ? 0.1 : 0;
      }
    }
    assertThat(recall / queries.count()).isCloseTo(r.evaluation().recallAtK(), org.assertj.core.data.Offset.offset(0.011));
  }

  private static List<java.nio.file.Path> parquetFiles(java.nio.file.Path dir) throws Exception {
    List<java.nio.file.Path> out = new ArrayList<>();
    try (var files = Files.list(dir)) {
      files.filter(f -> f.getFileName().toString().endsWith(".parquet")).forEach(out::add);
    }
    return out;
  }
}
