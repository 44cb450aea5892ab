package io.quantpipe.cli;


import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quantpipe.spark.SparkTestBase;
import io.quantpipe.spark.migrate.MigrateJob;
import io.quantpipe.spark.migrate.Migration;
import io.quantpipe.storage.IndexStore;
import io.quantpipe.spark.io.PublishedTable;
import io.quantpipe.storage.VersionCatalog;
import io.quantpipe.spark.jobs.Pipeline;
import io.quantpipe.spark.options.PipelineOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** sq8 to hybrid-pq and back: verified ids, the old version kept and readable by time travel, one-command rollback. */
class MigrationIT extends SparkTestBase {
  @TempDir
  Path dir;

  @Test
  void migratesVerifiesKeepsTheOldEncodingReadableAndRollsBack() throws IOException {
    String root = dir.resolve("index").toString();
    Pipeline.run(spark, options(root, PipelineOptions.STRATEGY, "sq8"));
    VersionCatalog catalog = new VersionCatalog(root, spark.sparkContext().hadoopConfiguration());
    JsonNode v1 = manifest(catalog);

    // A migration the quality gate stops: nothing changes.
    StringWriter err = new StringWriter();
    assertThat(migrate(err, "--index", root, "--strategy", "pq", "--set", "gate-min-recall=0.99")).isEqualTo(3);
    assertThat(err.toString()).contains("recall@10", "< floor 0.9900", "nothing was published");
    assertThat(catalog.current().version()).isEqualTo(1);

    StringWriter out = new StringWriter();
    assertThat(migrate(out, "--index", root, "--strategy", "hybrid-pq")).as(out.toString()).isZero();
    assertThat(out.toString()).contains("1 (was current)", "verified: 10,000 input rows and 10,000 indexed ids");
    int migrated = catalog.current().version();
    assertThat(migrated).isEqualTo(3); // version 2 was the gated attempt, never reused
    JsonNode v3 = manifest(catalog);
    assertThat(v3.get("strategy").asText()).isEqualTo("hybrid-pq");
    assertThat(catalog.isComplete(1)).isTrue();
    assertThat(catalog.isComplete(2)).isFalse();

    // The same ids in both versions, and each version's codes in its own Delta commit.
    String table = PublishedTable.uri(IndexStore.qualified(root, spark.sparkContext().hadoopConfiguration()));
    Dataset<Row> sq8 = spark.read().parquet(catalog.versionUri(1) + "/shards").select("id", "code");
    Dataset<Row> pq = spark.read().parquet(catalog.versionUri(3) + "/shards").select("id", "code");
    assertThat(sq8.select("id").except(pq.select("id")).count()).isZero();
    assertThat(pq.count()).isEqualTo(sq8.count()).isEqualTo(10_000);
    Dataset<Row> old = PublishedTable.read(spark, table, v1.get("delta_table").get("version").asLong()).select("id", "code");
    Dataset<Row> now = PublishedTable.read(spark, table, v3.get("delta_table").get("version").asLong()).select("id", "code");
    assertThat(old.except(sq8).count()).isZero();
    assertThat(sq8.except(old).count()).isZero();
    assertThat(now.except(pq).count()).isZero();
    assertThat(old.first().<byte[]>getAs("code")).hasSize(132); // sq8: a byte per dimension and a 4-byte correction
    assertThat(now.first().<byte[]>getAs("code")).hasSize(16); // pq M=16

    // One command back; the pointer carries version 1's manifest CRC, which readers check.
    assertThat(rollback(out, "--index", root)).isZero();
    assertThat(catalog.current().version()).isEqualTo(1);
    assertThat(new ObjectMapper().readTree(catalog.currentManifest()).get("strategy").asText()).isEqualTo("sq8");
    StringWriter none = new StringWriter();
    assertThat(rollback(none, "--index", root)).isEqualTo(2);
    assertThat(none.toString().strip()).startsWith("rollback: No complete version older than the current 1 under ");
    assertThat(rollback(out, "--index", root, "--to", "3")).isZero();
    assertThat(catalog.current().version()).isEqualTo(3);
    StringWriter gone = new StringWriter();
    assertThat(rollback(gone, "--index", root, "--to", "2")).isEqualTo(2);
    assertThat(gone.toString()).contains("Version 2 under ", "is not a complete version");
  }

  @Test
  void aMigrationWhoseIdsDifferIsNotPublished() throws IOException {
    // No query file: queries are held out of the corpus, 20 of them. Holding out 50 instead
    // changes which ids are indexed; the check sees it before anything is published.
    Path corpus = dir.resolve("corpus");
    Files.createDirectories(corpus);
    Files.copy(SIFTSMALL.resolve("base.fvecs"), corpus.resolve("base.fvecs"));
    String root = dir.resolve("held-out").toString();
    Pipeline.run(spark, options(root, PipelineOptions.INPUT, corpus.toString(), PipelineOptions.STRATEGY, "sq8"));
    StringWriter err = new StringWriter();
    assertThat(migrate(err, "--index", root, "--strategy", "sq4", "--set", "eval-queries=50")).isEqualTo(2);
    assertThat(err.toString()).contains("migrate: Migration check failed: the current version has 10,000 input rows and "
        + "9,980 indexed, the migrated one 10,000 and 9,948", "(first: ", "is not published");
    VersionCatalog catalog = new VersionCatalog(root, spark.sparkContext().hadoopConfiguration());
    assertThat(catalog.current().version()).isEqualTo(1);
    assertThat(catalog.isComplete(2)).isFalse();

    StringWriter nothing = new StringWriter();
    assertThat(migrate(nothing, "--index", dir.resolve("empty").toString(), "--strategy", "sq4")).isEqualTo(2);
    assertThat(nothing.toString()).contains("Nothing is published under ");
  }

  private static JsonNode manifest(VersionCatalog catalog) throws IOException {
    return new ObjectMapper().readTree(catalog.currentManifest());
  }

  private static int migrate(StringWriter sink, String... args) throws IOException {
    MigrateJob job = new MigrateJob();
    new CommandLine(job).parseArgs(args);
    PrintWriter w = new PrintWriter(sink, true);
    return Migration.migrate(spark, job, w, w);
  }

  private static int rollback(StringWriter sink, String... args) {
    PrintWriter w = new PrintWriter(sink, true);
    return RollbackCommand.run(w, w, args);
  }
}
