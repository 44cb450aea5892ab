package io.quantpipe.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quantpipe.spark.jobs.Pipeline;
import io.quantpipe.spark.jobs.PipelineResult;
import io.quantpipe.spark.options.PipelineOptions;
import io.quantpipe.spark.progress.StageProgress;
import io.quantpipe.spark.stages.QualityGateException;
import io.quantpipe.spark.stages.Stage;
import io.quantpipe.spark.stages.StageRunner;
import io.quantpipe.storage.StorageFailureException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.function.Supplier;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.deploy.SparkHadoopUtil;
import org.apache.spark.sql.SparkSession;

/**
 * What {@link PipelineJob} runs: every stage in one session, or the one stage {@code --stage}
 * names, and the exit code that says how it ended. Also makes the sessions and Hadoop settings
 * the other Spark commands (migrate, advise) share. Stateless.
 */
public final class PipelineDriver {
  private PipelineDriver() {}

  /** Runs the command's stages and returns the exit code. */
  static int run(PipelineJob command) throws Exception {
    PipelineOptions options;
    try {
      options = PipelineOptions.fromMap(command.settings());
    } catch (IllegalArgumentException e) {
      System.err.println("pipeline: " + e.getMessage());
      return 2;
    }
    Stage one;
    try {
      one = command.stage == null ? null : Stage.parse(command.stage);
      if (one != null && (command.runId == null || command.runId.isBlank())) {
        throw new IllegalArgumentException("--stage " + command.stage + " needs --run-id (the DAG run's id)");
      }
    } catch (IllegalArgumentException e) {
      System.err.println("pipeline: " + e.getMessage());
      return 2;
    }
    SparkSession[] spark = new SparkSession[1];
    try {
      if (one == null) {
        spark[0] = session(options);
        try (StageProgress progress = StageProgress.forStdout(Stage.values().length)) {
          progress.attach(spark[0].sparkContext());
          // A given --run-id resumes that run: a killed one finishes in the version it began.
          String runId = command.runId != null && !command.runId.isBlank() ? command.runId : "pipeline-" + UUID.randomUUID();
          PipelineResult result = Pipeline.run(spark[0], options, runId, progress);
          progress.close();
          printPublished(result, command.json);
        }
        return 0;
      }
      Configuration hadoop = one.needsSpark() ? null : hadoopConf(options);
      Supplier<SparkSession> sessions = () -> spark[0] = session(options);
      try (StageRunner runner = new StageRunner(sessions,
          hadoop != null ? hadoop : sessions.get().sparkContext().hadoopConfiguration(), options, command.runId)) {
        Object record;
        try (StageProgress progress = StageProgress.forStdout(Stage.values().length)) {
          if (spark[0] != null) {
            progress.attach(spark[0].sparkContext());
          }
          record = Pipeline.run(runner, one, progress);
        }
        if (record instanceof PipelineResult) {
          printPublished((PipelineResult) record, command.json);
        } else {
          System.out.printf("run %s, version %d, stage %s: %s%n", command.runId, runner.run().version(), one.cliName(),
              new ObjectMapper().writeValueAsString(record));
        }
      }
      return 0;
    } catch (QualityGateException e) {
      System.err.println("pipeline: " + e.getMessage());
      return 3;
    } catch (StorageFailureException e) { // an outage, not a bug: the message, without a stack trace
      System.err.println("pipeline: " + e.getMessage());
      return 4;
    } catch (IllegalArgumentException | IllegalStateException e) {
      System.err.println("pipeline: " + e.getMessage());
      return 2;
    } finally {
      if (spark[0] != null) {
        spark[0].stop();
      }
    }
  }

  private static void printPublished(PipelineResult result, Path json) throws java.io.IOException {
    System.out.println();
    System.out.print(result.table());
    System.out.printf("%npublished version %d at %s%n", result.version(), result.versionUri());
    if (json != null) {
      Files.writeString(json, result.manifestJson());
    }
  }

  /**
   * Storage's Hadoop configuration without a Spark context, made as Spark makes it: the
   * {@code spark.hadoop.*} settings of spark-submit and the profile, S3A credentials from the
   * environment.
   */
  public static Configuration hadoopConf(PipelineOptions options) {
    SparkConf conf = new SparkConf();
    options.sparkConf().forEach(conf::set);
    return SparkHadoopUtil.get().newConfiguration(conf);
  }

  /** The session: spark-submit's settings, the conf's spark.* keys, local[*] when no master is set. */
  public static SparkSession session(PipelineOptions options) {
    SparkConf conf = new SparkConf();
    options.sparkConf().forEach(conf::set);
    if (!conf.contains("spark.master")) {
      conf.setMaster("local[*]");
    }
    conf.setIfMissing("spark.app.name", "quantpipe-pipeline");
    // Delta's SQL extension and catalog, so the job can write Delta tables without cluster-side setup.
    conf.setIfMissing("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension");
    conf.setIfMissing("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog");
    conf.setIfMissing("spark.ui.showConsoleProgress", "false");
    return SparkSession.builder().config(conf).getOrCreate();
  }
}
