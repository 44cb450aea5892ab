package io.quantpipe.spark.advise;

import io.quantpipe.report.JsonLines;

import io.quantpipe.advise.AdviseOptions;
import io.quantpipe.advise.Advisor;
import io.quantpipe.advise.Advisor.Advice;
import io.quantpipe.eval.SampledDataset;
import io.quantpipe.quant.pq.PqParams;
import io.quantpipe.strategy.Strategy;
import io.quantpipe.strategy.TrainingOptions;
import io.quantpipe.vector.Similarity;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code quantpipe advise --data DIR}: measures every strategy on a sample of a TEXMEX directory,
 * projects memory to {@code --corpus-size} and recommends the cheapest that meets the recall target
 * within the limits ({@link Advisor}). A corpus in Parquet or Delta ({@code --table}) is sampled
 * on Spark by {@link AdviseJob}, with the same options. Nothing here names a Spark type: the one CLI
 * reads these options without Spark on its classpath.
 */
@Command(name = "advise", mixinStandardHelpOptions = true,
    description = "Measure none, sq8, sq4, sq2, pq (a grid of M), bq, bq-centred and the hybrids (a grid of oversample) "
        + "on a sample, project memory to the full corpus and recommend one strategy.")
public final class AdviseCommand implements Callable<Integer> {
  public static void main(String[] args) {
    System.exit(new CommandLine(new AdviseCommand()).execute(args));
  }

  @Spec
  CommandSpec spec;

  @Option(names = "--data", description = "TEXMEX directory: base.fvecs, optionally query.fvecs (else queries are held out).")
  Path data;

  @Option(names = "--table",
      description = "The corpus on Spark: a Parquet or Delta table, an fvecs file or a TEXMEX directory (path or Hadoop URI).")
  String table;

  @Option(names = "--query-file", description = "Queries (fvecs). Default: a TEXMEX directory's query.fvecs, else held out.")
  String queryFile;

  @Option(names = "--conf", description = "A pipeline profile: the table's columns (id-column, vector-column, input-format) "
      + "and spark.* settings (S3A credentials and endpoint).")
  Path conf;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Overrides a key of the profile.")
  List<String> sets = new ArrayList<>();

  @Option(names = "--spark-conf", paramLabel = "KEY=VALUE", description = "A Spark setting, as spark-submit's --conf.")
  List<String> sparkConfs = new ArrayList<>();

  @Mixin
  AdviseArguments arguments;

  @Override
  public Integer call() throws IOException {
    if (table != null && data != null) {
      throw new IllegalArgumentException("Give --data DIR or --table URI, not both");
    }
    if (table != null) {
      return AdviseJob.run(this);
    }
    if (data == null) {
      throw new IllegalArgumentException("Give --data DIR (a TEXMEX directory) or --table URI (Parquet or Delta, on Spark)");
    }
    AdviseOptions options = arguments.options();
    SampledDataset sample = SampledDataset.fromDirectory(data, options.similarity(), options.k(), arguments.sample,
        arguments.queries, options.training().seed(), Runtime.getRuntime().availableProcessors());
    return arguments.report(spec.commandLine().getOut(), sample, data);
  }

  /** The options the local and the Spark version share, and what both do with an advice. */
  public static final class AdviseArguments {
    static final String STRATEGIES = "none,sq8,sq4,sq2,pq,pq4,bq,bq-centred,rabitq-4,hybrid-sq8,hybrid-sq4,hybrid-sq2,"
        + "hybrid-pq,hybrid-bq,hybrid-rabitq-1";

    @Option(names = "--metric", required = true, description = "l2, ip or cosine.")
    String metric;

    @Option(names = "--corpus-size", required = true, description = "Vectors of the full corpus, for the memory projection.")
    long corpusSize;

    @Option(names = "--max-memory-gb", required = true, description = "Memory limit for serving, GB (10^9 bytes).")
    double maxMemoryGb;

    @Option(names = "--target-recall", required = true, description = "recall@k the recommendation must reach.")
    double targetRecall;

    @Option(names = "--k", defaultValue = "10", description = "Results per query (default: ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--latency-budget-ms", defaultValue = "0", description = "Per-query limit on the sample, ms (0: none).")
    double latencyBudgetMs;

    @Option(names = "--json", description = "Write the advice as one JSON object to this file.")
    Path json;

    @Option(names = "--sample", defaultValue = "10000", description = "Sample size (default: ${DEFAULT-VALUE}).")
    public int sample;

    @Option(names = "--queries", defaultValue = "500", description = "Held-out queries when the data has none (default: ${DEFAULT-VALUE}).")
    public int queries;

    @Option(names = "--sample-out", description = "Where a sample is written for re-measuring (default: out/advise/<name>-sample).")
    Path sampleOut;

    @Option(names = "--strategies", defaultValue = STRATEGIES, description = "Strategies to evaluate (default: ${DEFAULT-VALUE}).")
    String strategies;

    @Option(names = "--pq-m-grid", split = ",", description = "PQ subspace counts to try (default: d/16, d/8, d/4).")
    List<Integer> pqMs = new ArrayList<>();

    @Option(names = "--oversample-grid", split = ",", defaultValue = "2,4,8,16", description = "Hybrid oversample factors (default: ${DEFAULT-VALUE}).")
    List<Integer> oversamples;

    @Option(names = "--graph-m", defaultValue = "16", description = "HNSW M of the served graph, counted in memory; 0: none (default: ${DEFAULT-VALUE}).")
    int graphM;

    @Option(names = "--rescore-in-memory", description = "Count hybrids' float32 rescoring vectors in memory (default: on disk).")
    boolean rescoreInMemory;

    @Option(names = "--all", description = "List every candidate, not only the Pareto front.")
    boolean all;

    @Option(names = "--seed", defaultValue = "" + TrainingOptions.DEFAULT_SEED, description = "Sampling and training seed (default: ${DEFAULT-VALUE}).")
    public long seed;

    @Option(names = "--pq-iterations", defaultValue = "" + PqParams.DEFAULT_ITERATIONS, description = "PQ Lloyd iterations (default: ${DEFAULT-VALUE}).")
    int pqIterations;

    @Option(names = "--threads", defaultValue = "2", description = "Threads for training and encoding; queries run on one (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--repeat", defaultValue = "1", description = "Timed query passes per candidate, best reported (default: ${DEFAULT-VALUE}).")
    int repeat;

    /** The {@code --metric} as given (validated by {@link #options()}). */
    public String metric() {
      return metric;
    }

    /** The validated options. */
    public AdviseOptions options() {
      if (sample < 1) {
        throw new IllegalArgumentException("--sample must be positive; got " + sample);
      }
      if (queries < 1) {
        throw new IllegalArgumentException("--queries must be positive; got " + queries);
      }
      TrainingOptions training = new TrainingOptions(seed, 0, pqIterations, TrainingOptions.DEFAULT_PQ_TRAIN_SAMPLES,
          TrainingOptions.DEFAULT_CALIBRATION_SAMPLES, true, threads);
      return new AdviseOptions(Similarity.fromCliName(metric), k, corpusSize, maxMemoryGb, targetRecall, latencyBudgetMs,
          Strategy.parseList(strategies), pqMs, oversamples, graphM, rescoreInMemory, repeat, training);
    }

    /**
     * Advises on {@code sample}, prints the report, writes the JSON and, when the sample is not the
     * data directory as it is, the sample itself for re-measuring. Returns the exit code.
     */
    public int report(PrintWriter out, SampledDataset sample, Path dataDir) throws IOException {
      Advice advice = new Advisor(options()).advise(sample, new PrintWriter(System.err, true));
      Path measured = dataDir;
      if (!sample.asIs()) {
        measured = sampleOut != null ? sampleOut
            : Path.of("out", "advise", sample.dataset().name() + "-sample");
        sample.write(measured);
      }
      out.print(AdviceReport.text(advice, measured, all));
      out.flush();
      if (json != null) {
        JsonLines.writeObject(json, AdviceReport.json(advice, measured));
      }
      return 0;
    }
  }
}
