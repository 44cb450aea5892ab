package io.quantpipe.spark;

import io.quantpipe.spark.jobs.Pipeline;
import io.quantpipe.spark.jobs.PipelineResult;
import io.quantpipe.config.ConfFile;
import io.quantpipe.spark.options.PipelineOptions;
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
 * the conf profile, applies the command line on top, runs every stage and prints the result table.
 * Without a master from {@code spark-submit} it runs on a local Spark ({@code local[*]}).
 * Exit codes: 0 published, 2 bad options or input, 1 any other failure.
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
    SparkSession spark = session(options);
    try {
      PipelineResult result = Pipeline.run(spark, options);
      System.out.println();
      System.out.print(result.table());
      System.out.printf("%npublished version %d at %s%n", result.version(), result.versionUri());
      if (json != null) {
        Files.writeString(json, result.manifestJson());
      }
      return 0;
    } catch (IllegalArgumentException | IllegalStateException e) {
      System.err.println("pipeline: " + e.getMessage());
      return 2;
    } finally {
      spark.stop();
    }
  }

  Map<String, String> settings() throws java.io.IOException {
    Map<String, String> s = new LinkedHashMap<>(ConfFile.read(conf));
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
