package io.quantpipe.spark;

import io.quantpipe.config.ConfFile;
import io.quantpipe.spark.options.PipelineOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
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
 * failed (nothing published), 4 storage failed under a stage after its retries (nothing published;
 * resume with the same {@code --run-id}), 1 any other failure.
 *
 * <p>This class holds the options only and hands them to {@link PipelineDriver}: the one CLI reads
 * its options without Spark on its classpath, so nothing here may name a Spark type.
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

  @Option(names = "--strategy", description = "Overrides 'strategy': none, sq8, sq4, sq2, bq, bq-centred, bq-asym, pq, pq4, osq8, osq4, osq2, osq1, rabitq-<1..8>, hybrid-<q>.")
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

  @Option(names = "--run-id", paramLabel = "ID", description = "The run a --stage belongs to ('import' starts it); without --stage, "
      + "runs every stage of that run, resuming it if it was started (default: a new run).")
  String runId;

  public static void main(String[] args) {
    System.exit(new CommandLine(new PipelineJob()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    return PipelineDriver.run(this);
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
}
