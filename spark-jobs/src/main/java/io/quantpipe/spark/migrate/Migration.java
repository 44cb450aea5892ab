package io.quantpipe.spark.migrate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quantpipe.catalog.CatalogPointer;
import io.quantpipe.config.ConfFile;
import io.quantpipe.report.TextTable;
import io.quantpipe.spark.PipelineDriver;
import io.quantpipe.spark.PipelineJob;
import io.quantpipe.spark.jobs.PipelineResult;
import io.quantpipe.spark.options.PipelineOptions;
import io.quantpipe.spark.stages.QualityGateException;
import io.quantpipe.spark.stages.Stage;
import io.quantpipe.spark.stages.StageRunner;
import io.quantpipe.storage.IndexStore;
import io.quantpipe.storage.VersionCatalog;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;

/**
 * What {@link MigrateJob} runs: every stage but publish on the current version's float table, then
 * {@link MigrationCheck}, then publish; a before/after table on success. Stateless.
 */
public final class Migration {
  private Migration() {}

  /** Runs the migration the command describes in a session of its own; returns the exit code. */
  static int run(MigrateJob job) throws IOException {
    PipelineOptions bootstrap;
    try {
      Map<String, String> own = PipelineJob.withOverrides(job.conf == null ? Map.of() : ConfFile.read(job.conf), job.sets, job.sparkConfs);
      own.put(PipelineOptions.INPUT, job.index); // only for the session's settings; migrate() resolves the real input
      own.put(PipelineOptions.OUTPUT, job.index);
      bootstrap = PipelineOptions.fromMap(own);
    } catch (IllegalArgumentException e) {
      System.err.println("migrate: " + e.getMessage());
      return 2;
    }
    SparkSession spark = PipelineDriver.session(bootstrap);
    try {
      return migrate(spark, job, new PrintWriter(System.out, true), new PrintWriter(System.err, true));
    } finally {
      spark.stop();
    }
  }

  /** Migrates with the parsed options in {@code spark}, which stays open; returns the exit code. */
  public static int migrate(SparkSession spark, MigrateJob job, PrintWriter out, PrintWriter err) throws IOException {
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    String root = IndexStore.qualified(job.index, hadoop);
    try {
      VersionCatalog catalog = new VersionCatalog(root, hadoop);
      CatalogPointer current = catalog.current();
      if (current == null) {
        throw new IllegalArgumentException("Nothing is published under " + root + ": run the pipeline before migrating it");
      }
      JsonNode before = new ObjectMapper().readTree(catalog.currentManifest());
      String currentDir = catalog.versionUri(current.version());
      PipelineOptions options = PipelineOptions.fromMap(settings(job, before, currentDir, root));
      String runId = "migrate-" + UUID.randomUUID();
      MigrationCheck check;
      PipelineResult after;
      try (StageRunner runner = new StageRunner(() -> spark, hadoop, options, runId)) {
        for (Stage stage : Stage.values()) {
          if (stage != Stage.PUBLISH) {
            runner.run(stage);
          }
        }
        check = MigrationCheck.verify(spark, currentDir, runner.run().versionUri());
        after = (PipelineResult) runner.run(Stage.PUBLISH);
      }
      out.print(table(before, new ObjectMapper().readTree(after.manifestJson()), current.version(), after.version()));
      out.printf("%nverified: %,d input rows and %,d indexed ids, the same in both versions%n", check.inputRows(),
          check.indexedRows());
      out.printf("published version %d at %s (roll back: bin/quantpipe rollback --index %s)%n", after.version(),
          after.versionUri(), job.index);
      return 0;
    } catch (QualityGateException e) {
      err.println("migrate: " + e.getMessage() + "; the current version stays current");
      return 3;
    } catch (IllegalArgumentException | IllegalStateException e) {
      err.println("migrate: " + e.getMessage());
      return 2;
    }
  }

  /**
   * The current version's options, then the profile and {@code --set}, then what a migration
   * fixes: the input is the current version's table, its query file when it had one (held-out
   * queries are held out again, by the same rule), the output is the same root.
   */
  private static Map<String, String> settings(MigrateJob job, JsonNode manifest, String currentDir, String root) throws IOException {
    Map<String, String> s = new LinkedHashMap<>();
    manifest.path("options").fields().forEachRemaining(e -> s.put(e.getKey(), e.getValue().asText()));
    s.putAll(PipelineJob.withOverrides(job.conf == null ? Map.of() : ConfFile.read(job.conf), job.sets, job.sparkConfs));
    s.put(PipelineOptions.INPUT, currentDir + "/input");
    s.put(PipelineOptions.INPUT_FORMAT, "parquet");
    s.put(PipelineOptions.ID_COLUMN, "id");
    s.put(PipelineOptions.VECTOR_COLUMN, "vector");
    String querySource = manifest.path("evaluation").path("query_source").asText("");
    s.put(PipelineOptions.QUERIES, querySource.startsWith("held out") ? "" : querySource);
    s.put(PipelineOptions.OUTPUT, root);
    if (job.strategy != null) {
      s.put(PipelineOptions.STRATEGY, job.strategy);
    }
    return s;
  }

  private static String table(JsonNode before, JsonNode after, int from, int to) {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"version", "strategy", "vectors", "bytes/vec", "compression", "recall@10", "delta commit"});
    rows.add(row(before, from + " (was current)"));
    rows.add(row(after, to + " (current)"));
    return TextTable.render(rows);
  }

  private static String[] row(JsonNode m, String label) {
    JsonNode size = m.path("size");
    JsonNode delta = m.path("delta_table").path("version");
    return new String[] {label, m.path("strategy").asText(), String.format(Locale.ROOT, "%,d", m.path("counts").path("indexed").asLong()),
        String.format(Locale.ROOT, "%.1f", size.path("bytes_per_vector").asDouble()),
        String.format(Locale.ROOT, "%.1fx", size.path("compression_ratio").asDouble()),
        String.format(Locale.ROOT, "%.4f", m.path("evaluation").path("recall@10").asDouble(Double.NaN)),
        delta.isMissingNode() ? "-" : delta.asText()};
  }
}
