package io.quantpipe.cli;

import io.quantpipe.report.JsonLines;
import io.quantpipe.report.ResultTable;
import io.quantpipe.report.StepProgress;

import io.quantpipe.eval.Dataset;
import io.quantpipe.eval.EvalOptions;
import io.quantpipe.eval.EvalResult;
import io.quantpipe.eval.StrategyEvaluator;
import io.quantpipe.format.QuantizerManifest;
import io.quantpipe.quant.pq.PqParams;
import io.quantpipe.quant.Quantizer;
import io.quantpipe.stats.CorpusStatistics;
import io.quantpipe.stats.DataFingerprint;
import io.quantpipe.strategy.Strategy;
import io.quantpipe.strategy.StrategyTrainer;
import io.quantpipe.strategy.TrainingOptions;
import io.quantpipe.vector.Similarity;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code quantpipe evaluate}: trains, encodes and searches with every requested strategy on one
 * TEXMEX dataset and prints recall, memory and speed side by side. {@code --json} writes one JSON
 * object per line per strategy with reference_ann.py's field names; {@code --artifacts} writes each
 * trained quantizer and its manifest. Output files appear only when the whole run succeeded.
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
    description = "Evaluate quantization strategies on a TEXMEX dataset (base.fvecs, query.fvecs, optional groundtruth.ivecs).")
public final class EvaluateCommand implements Callable<Integer> {
  static final String DEFAULT_STRATEGIES = "none,sq8,sq4,sq2,bq,bq-centred,bq-asym,pq,pq4,rabitq-1,rabitq-4,hybrid-sq8,hybrid-bq,hybrid-pq,"
      + "hybrid-rabitq-1,hybrid-rabitq-4";

  @Spec
  CommandSpec spec;

  @Option(names = "--data", required = true, description = "Dataset directory.")
  Path data;

  @Option(names = "--metric", defaultValue = "l2", description = "l2, ip or cosine (default: ${DEFAULT-VALUE}).")
  String metric;

  @Option(names = "--k", defaultValue = "10", description = "Results per query (default: ${DEFAULT-VALUE}).")
  int k;

  @Option(names = "--strategies", defaultValue = DEFAULT_STRATEGIES, description = "Comma-separated strategies (default: ${DEFAULT-VALUE}).")
  String strategies;

  @Option(names = "--oversample", defaultValue = "4", description = "Hybrid candidates = k x oversample (default: ${DEFAULT-VALUE}).")
  int oversample;

  @Option(names = "--candidates", defaultValue = "0", description = "Fixed hybrid candidate count, e.g. 1000 (overrides --oversample).")
  int candidates;

  @Option(names = "--pq-m", defaultValue = "0", description = "PQ subspaces (default: d/8, or the largest divisor of d below it).")
  int pqM;

  @Option(names = "--pq-iterations", defaultValue = "" + PqParams.DEFAULT_ITERATIONS, description = "PQ Lloyd iterations (default: ${DEFAULT-VALUE}).")
  int pqIterations;

  @Option(names = "--train-samples", defaultValue = "" + TrainingOptions.DEFAULT_PQ_TRAIN_SAMPLES, description = "PQ training sample size (default: ${DEFAULT-VALUE}).")
  int trainSamples;

  @Option(names = "--calibration-samples", defaultValue = "" + TrainingOptions.DEFAULT_CALIBRATION_SAMPLES, description = "Scalar quantile calibration sample (default: ${DEFAULT-VALUE}).")
  int calibrationSamples;

  @Option(names = "--no-rotate", description = "bq-asym: take signs without the random rotation.")
  boolean noRotate;

  @Option(names = "--seed", defaultValue = "" + TrainingOptions.DEFAULT_SEED, description = "Training seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--threads", defaultValue = "1", description = "Threads for training and encoding; queries run on one thread (default: ${DEFAULT-VALUE}).")
  int threads;

  @Option(names = "--repeat", defaultValue = "3", description = "Timed query passes, best reported (default: ${DEFAULT-VALUE}).")
  int repeat;

  @Option(names = "--json", description = "Write one JSON object per strategy (JSON lines) to this file.")
  Path json;

  @Option(names = "--artifacts", description = "Write each trained quantizer (quantizer.qpa + manifest.json) under DIR/<strategy>/.")
  Path artifacts;

  @Override
  public Integer call() throws IOException {
    Similarity similarity = Similarity.fromCliName(metric);
    List<Strategy> list = Strategy.parseList(strategies);
    TrainingOptions training = new TrainingOptions(seed, pqM, pqIterations, trainSamples, calibrationSamples, !noRotate, threads);
    EvalOptions options = new EvalOptions(similarity, k, oversample, candidates, repeat, training);
    Dataset dataset = Dataset.load(data, similarity, k, Runtime.getRuntime().availableProcessors());
    for (Strategy s : list) {
      if (s.productQuantized()) {
        StrategyTrainer.pqParams(s, dataset.base().dim(), training);
      }
    }
    Path staging = artifacts == null ? null : Files.createTempDirectory(parentOf(artifacts), ".artifacts-");
    DataFingerprint fingerprint = staging == null ? null : CorpusStatistics.of(dataset.base(), 1, seed).fingerprint();
    StrategyEvaluator evaluator = new StrategyEvaluator(dataset, options);
    List<EvalResult> results = new ArrayList<>();
    StepProgress progress = new StepProgress(spec.commandLine().getErr(), list.size());
    for (Strategy s : list) {
      EvalResult r = evaluator.evaluate(s, quantizer -> {
        if (staging != null) {
          writeArtifact(staging.resolve(s.name()), s, quantizer, dataset, training, fingerprint);
        }
      });
      results.add(r);
      progress.step(String.format(java.util.Locale.ROOT, "%s: recall@%d %.4f", s.name(), k, r.recallAt(k)));
    }
    PrintWriter out = spec.commandLine().getOut();
    out.print(ResultTable.render(dataset, options, results));
    out.flush();
    if (json != null) {
      List<Object> rows = new ArrayList<>();
      for (EvalResult r : results) {
        rows.add(r.toJson());
      }
      JsonLines.write(json, rows);
    }
    if (staging != null) {
      publish(staging);
    }
    return 0;
  }

  private static Path parentOf(Path p) throws IOException {
    Path parent = p.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    return parent;
  }

  private static void writeArtifact(Path dir, Strategy s, Quantizer q, Dataset dataset, TrainingOptions training,
                                    DataFingerprint fingerprint) {
    try {
      QuantizerManifest.write(dir, s.name(), q, StrategyTrainer.describe(s, dataset.base().dim(), training, dataset.base().count()),
          training.seed(), fingerprint);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Moves each staged strategy directory into place, replacing an older one of the same name. */
  private void publish(Path staging) throws IOException {
    Files.createDirectories(artifacts);
    try (var dirs = Files.list(staging)) {
      for (Path dir : (Iterable<Path>) dirs::iterator) {
        Path target = artifacts.resolve(dir.getFileName());
        if (Files.exists(target)) {
          try (var old = Files.list(target)) {
            for (Path f : (Iterable<Path>) old::iterator) {
              Files.delete(f);
            }
          }
          Files.delete(target);
        }
        Files.move(dir, target, StandardCopyOption.ATOMIC_MOVE);
      }
    }
    Files.delete(staging);
  }
}
