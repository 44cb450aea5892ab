package io.quantpipe.spark.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The golden fixture that ties the stream job to the batch pipeline: the codebook files of the
 * version {@link PipelineIT} publishes from siftsmall (hybrid-pq, seed 42) laid out as a published
 * index root, plus the codes and partitions its Parquet shards hold for ids 0-499. flink-jobs'
 * parity test streams the same vectors with those codebooks and must produce the same codes.
 *
 * <p>PipelineIT checks on every run that the pipeline still produces exactly these files and codes;
 * after an intended change, regenerate with {@code bin/test -pl spark-jobs -Dtest=PipelineIT
 * -Dquantpipe.fixtures.write=true} and commit {@code data/fixtures/spark-hybrid-pq/}.
 */
final class SparkCodesFixture {
  static final Path DIR = Path.of("..", "data", "fixtures", "spark-hybrid-pq");
  static final int IDS = 500;
  private static final String[] INDEX_FILES = {"index.json", "quantizer.qpa", "centroids.fvecs"};

  private SparkCodesFixture() {}

  /** Compares the published version under {@code versionDir} (a local path) with the fixture, or rewrites it. */
  static void checkOrWrite(SparkSession spark, Path root, Path versionDir) throws Exception {
    List<String> codes = new ArrayList<>();
    for (Row r : spark.read().parquet(versionDir.resolve("shards").toString()).filter("id < " + IDS)
        .select("id", "partition", "code").orderBy("id").collectAsList()) {
      codes.add(String.format("{\"id\":%d,\"partition\":%d,\"code\":\"%s\"}", r.getLong(0), r.getInt(1),
          Base64.getEncoder().encodeToString((byte[]) r.get(2))));
    }
    Path fixtureVersion = DIR.resolve("versions").resolve(versionDir.getFileName());
    if (Boolean.getBoolean("quantpipe.fixtures.write")) {
      Files.createDirectories(fixtureVersion.resolve("index"));
      for (String f : INDEX_FILES) {
        Files.copy(versionDir.resolve("index").resolve(f), fixtureVersion.resolve("index").resolve(f),
            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
      Files.copy(versionDir.resolve("manifest.json"), fixtureVersion.resolve("manifest.json"),
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      Files.copy(root.resolve("_CURRENT"), DIR.resolve("_CURRENT"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      Files.write(DIR.resolve("codes.jsonl"), codes, StandardCharsets.UTF_8);
      return;
    }
    for (String f : INDEX_FILES) {
      assertThat(Files.readAllBytes(versionDir.resolve("index").resolve(f)))
          .as("%s: the pipeline's output changed; regenerate the fixture (see SparkCodesFixture)", f)
          .isEqualTo(Files.readAllBytes(fixtureVersion.resolve("index").resolve(f)));
    }
    assertThat(codes).as("shard codes of ids 0-%d", IDS - 1)
        .isEqualTo(Files.readAllLines(DIR.resolve("codes.jsonl"), StandardCharsets.UTF_8));
  }
}
