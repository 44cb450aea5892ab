package io.quantpipe.spark;

import io.quantpipe.spark.jobs.Pipeline;
import io.quantpipe.spark.jobs.PipelineResult;
import io.quantpipe.config.ConfFile;
import io.quantpipe.spark.options.PipelineOptions;
import io.quantpipe.spark.stages.QualityGateException;
import io.quantpipe.spark.stages.Stage;
import io.quantpipe.spark.stages.StageRunner;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.function.Supplier;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.deploy.SparkHadoopUtil;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The pipeline's entry point, for {@code spark-submit} and for {@code bin/quantpipe pipeline}: reads
 * the conf profile, applies the command line on top, runs every stage (or, with {@code --stage},
 * one stage of the run {@code --run-id} names, as the Airflow DAG's tasks do) and prints the
 * result. Without a master from {@code spark-submit} it runs on a local Spark ({@code local[*]});
 * the gate and publish stages start no Spark at all.
 * Exit codes: 0 done, 2 bad options or input (or a stage run out of order), 3 the quality gate
 * failed (nothing published), 1 any other failure.
 */
@Command(name = "pipeline", mixinStandardHelpOptions = true,
    description = "Import, calibrate, train, encode, build HNSW partitions, evaluate and publish an index.")
public final class PipelineJob implements Callable<Integer> {
  @Option(names = "--conf", required = true, description = "Conf profile (key = value lines), e.g. conf/local.conf.")
  Path conf;

  @Option(names = "--input", description = "Overrides 'input': a TEXMEX directory, fvecs file, or Parquet/Delta table.")
  String input;

  @Option(names = "--output", description = "Overrides 'output': the index root, a path or Hadoop URI (s3a://...).")
  String output;

  @Option(names = "--strategy", description = "Overrides 'strategy': none, sq8, sq4, sq2, bq, bq-centred, bq-asym, pq, hybrid-<q>.")
  String strategy;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Overrides any option of the conf file.")
  List<String> sets = new ArrayList<>();

  @Option(names = "--spark-conf", paramLabel = "KEY=VALUE", description = "A Spark setting, as spark-submit's --conf.")
  List<String> sparkConfs = new ArrayList<>();

  @Option(names = "--json", description = "Also write the published manifest to this file.")
  Path json;

  @Option(names = "--stage", paramLabel = "STAGE", description = "Run one stage: import, calibrate, train, coarse, "
      + "encode, hnsw, evaluate, gate, publish (default: all of them).")
  String stage;

  @Option(names = "--run-id", paramLabel = "ID", description = "The run a --stage belongs to; 'import' starts it.")
  String runId;

  public static void main(String[] args) {
    System.exit(new CommandLine(new PipelineJob()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    PipelineOptions options;
    try {
      options = PipelineOptions.fromMap(settings());
    } catch (IllegalArgumentException e) {
      System.err.println("pipeline: " + e.getMessage());
      return 2;
    }
    Stage one;
    try {
      one = stage == null ? null : Stage.parse(stage);
      if (one != null && (runId == null || runId.isBlank())) {
        throw new IllegalArgumentException("--stage " + stage + " needs --run-id (the DAG run's id)");
      }
    } catch (IllegalArgumentException e) {
      System.err.println("pipeline: " + e.getMessage());
      return 2;
    }
    SparkSession[] spark = new SparkSession[1];
    try {
      if (one == null) {
        spark[0] = session(options);
        printPublished(Pipeline.run(spark[0], options));
        return 0;
      }
      Configuration hadoop = one.needsSpark() ? null : hadoopConf(options);
      Supplier<SparkSession> sessions = () -> spark[0] = session(options);
      try (StageRunner runner = new StageRunner(sessions,
          hadoop != null ? hadoop : sessions.get().sparkContext().hadoopConfiguration(), options, runId)) {
        Object record = runner.run(one);
        if (record instanceof PipelineResult) {
          printPublished((PipelineResult) record);
        } else {
          System.out.printf("run %s, version %d, stage %s: %s%n", runId, runner.run().version(), one.cliName(),
              new ObjectMapper().writeValueAsString(record));
        }
      }
      return 0;
    } catch (QualityGateException e) {
      System.err.println("pipeline: " + e.getMessage());
      return 3;
    } catch (IllegalArgumentException | IllegalStateException e) {
      System.err.println("pipeline: " + e.getMessage());
      return 2;
    } finally {
      if (spark[0] != null) {
        spark[0].stop();
      }
    }
  }

  private void printPublished(PipelineResult result) throws java.io.IOException {
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
  static Configuration hadoopConf(PipelineOptions options) {
    SparkConf conf = new SparkConf();
    options.sparkConf().forEach(conf::set);
    return SparkHadoopUtil.get().newConfiguration(conf);
  }

  Map<String, String> settings() throws java.io.IOException {
    Map<String, String> s = withOverrides(ConfFile.read(conf), sets, sparkConfs);
    if (input != null) {
      s.put(PipelineOptions.INPUT, input);
    }
    if (output != null) {
      s.put(PipelineOptions.OUTPUT, output);
    }
    if (strategy != null) {
      s.put(PipelineOptions.STRATEGY, strategy);
    }
    return s;
  }

  /** A profile's settings with {@code --set KEY=VALUE} and {@code --spark-conf spark.KEY=VALUE} applied on top. */
  public static Map<String, String> withOverrides(Map<String, String> profile, List<String> sets, List<String> sparkConfs) {
    Map<String, String> s = new LinkedHashMap<>(profile);
    for (String set : sets) {
      var e = ConfFile.parseOverride(set, "--set");
      s.put(e.getKey(), e.getValue());
    }
    for (String sc : sparkConfs) {
      var e = ConfFile.parseOverride(sc, "--spark-conf");
      if (!e.getKey().startsWith("spark.")) {
        throw new IllegalArgumentException("--spark-conf takes spark.* settings; got '" + e.getKey() + "'");
      }
      s.put(e.getKey(), e.getValue());
    }
    return s;
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
