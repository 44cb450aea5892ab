package io.quantpipe.spark.advise;

import io.quantpipe.config.ConfFile;
import io.quantpipe.eval.SampledDataset;
import io.quantpipe.spark.PipelineDriver;
import io.quantpipe.spark.PipelineJob;
import io.quantpipe.spark.io.HadoopFvecs;
import io.quantpipe.spark.io.InputSource;
import io.quantpipe.spark.io.VectorBlocks;
import io.quantpipe.spark.jobs.ImportJob;
import io.quantpipe.spark.options.PipelineOptions;
import io.quantpipe.vector.FloatVectors;
import io.quantpipe.vector.Similarity;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The Spark version of {@code quantpipe advise}, for corpora that do not fit one machine: one pass
 * over the table reads and classifies every row as the pipeline's import does
 * ({@link ImportJob#classify}), fills a {@link CorpusSampler} per task and merges them with
 * {@code treeAggregate}; only the sample (at most {@code --sample} + {@code --queries} vectors)
 * reaches the driver, where the same {@link io.quantpipe.advise.Advisor} as the local version
 * measures the grid. The sample is the one the local version draws from the same vectors (same
 * seed, ids = fvecs positions), so both give the same advice. Rejected rows are counted by reason
 * and reported, not sampled. {@link AdviseCommand} holds the options. Exit codes: 0 done, 2 bad
 * options or input, 1 any other failure. Stateless.
 */
public final class AdviseJob {
  private AdviseJob() {}

  /** Samples {@code --table} in a session of its own and advises; returns the exit code. */
  static int run(AdviseCommand command) throws IOException {
    PipelineOptions pipeline;
    try {
      command.arguments.options();
      pipeline = PipelineOptions.fromMap(settings(command));
    } catch (IllegalArgumentException e) {
      System.err.println("advise: " + e.getMessage());
      return 2;
    }
    SparkSession spark = PipelineDriver.session(pipeline);
    try {
      return advise(spark, command, new PrintWriter(System.out, true), new PrintWriter(System.err, true));
    } finally {
      spark.stop();
    }
  }

  /** Advises with the parsed options in {@code spark}, which stays open; returns the exit code. */
  public static int advise(SparkSession spark, AdviseCommand command, PrintWriter out, PrintWriter err) throws IOException {
    try {
      var options = command.arguments.options();
      PipelineOptions pipeline = PipelineOptions.fromMap(settings(command));
      SampledDataset sample = sample(command, spark, pipeline, options.similarity(), options.k(), out);
      return command.arguments.report(out, sample, null);
    } catch (IllegalArgumentException | IllegalStateException | io.quantpipe.vector.VectorFileException e) {
      err.println("advise: " + e.getMessage());
      return 2;
    }
  }

  /** One pass over the corpus: the sample, the queries, and the exact neighbours on the driver. */
  private static SampledDataset sample(AdviseCommand command, SparkSession spark, PipelineOptions pipeline, Similarity similarity, int k, PrintWriter out)
      throws IOException {
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    InputSource source = InputSource.resolve(pipeline, hadoop);
    ImportJob.Classified corpus = ImportJob.classify(spark, pipeline, source);
    spark.sparkContext().setJobGroup("advise", "advise: sample " + source.corpus(), false);
    boolean hasQueries = source.queries() != null;
    int capacity = command.arguments.sample + (hasQueries ? 0 : command.arguments.queries);
    JavaRDD<Row> rows = corpus.rows().select("id", "vector", "reason").toJavaRDD();
    CorpusSampler sampled = rows.treeAggregate(new CorpusSampler(capacity, command.arguments.seed, similarity == Similarity.COSINE),
        CorpusSampler::add, CorpusSampler::merge, VectorBlocks.treeDepth(rows));
    if (!sampled.rejected().isEmpty()) {
      long n = sampled.rejected().values().stream().mapToLong(Long::longValue).sum();
      out.printf("%,d rows of %s rejected and not sampled: %s%n", n, source.corpus(), sampled.rejected());
    }
    FloatVectors queries = null;
    if (hasQueries) {
      queries = HadoopFvecs.readFvecs(source.queries(), hadoop, Integer.MAX_VALUE);
      for (int q = 0; similarity == Similarity.COSINE && q < queries.count(); q++) {
        if (isZero(queries.get(q))) {
          throw new IllegalArgumentException(source.queries() + ": record " + q + ": " + CorpusSampler.ZERO);
        }
      }
    }
    String name = new org.apache.hadoop.fs.Path(command.table).getName().replaceFirst("\\.fvecs$", "");
    return SampledDataset.fromSample(name, sampled.valid(), sampled.sample(), queries, source.queries(), similarity, k,
        command.arguments.queries, Runtime.getRuntime().availableProcessors());
  }

  private static boolean isZero(float[] v) {
    for (float x : v) {
      if (x != 0f) {
        return false;
      }
    }
    return true;
  }

  /** The pipeline options the import reads: the profile, its overrides, then this command's own. */
  private static Map<String, String> settings(AdviseCommand command) throws IOException {
    Map<String, String> s = PipelineJob.withOverrides(command.conf == null ? Map.of() : ConfFile.read(command.conf), command.sets, command.sparkConfs);
    s.put(PipelineOptions.INPUT, command.table);
    s.put(PipelineOptions.OUTPUT, "unused-by-advise"); // the import's tables are not written
    s.put(PipelineOptions.METRIC, command.arguments.metric());
    s.put(PipelineOptions.SEED, Long.toString(command.arguments.seed));
    if (command.queryFile != null) {
      s.put(PipelineOptions.QUERIES, command.queryFile);
    }
    s.putIfAbsent("spark.app.name", "quantpipe-advise");
    return s;
  }
}
