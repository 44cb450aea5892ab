package io.quantpipe.advise;

import io.quantpipe.eval.EvalOptions;
import io.quantpipe.eval.EvalResult;
import io.quantpipe.eval.PreparedStrategy;
import io.quantpipe.eval.SampledDataset;
import io.quantpipe.eval.StrategyEvaluator;
import io.quantpipe.report.StepProgress;
import io.quantpipe.strategy.TrainingOptions;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures every candidate of the grid on a sample, projects each one's memory to the full corpus
 * and recommends one. Measurement is {@code evaluate}'s own ({@link StrategyEvaluator}), so a
 * candidate's recall is what {@code bin/quantpipe evaluate} reports for the same method and params
 * on the same data. Each encoding is trained, encoded and scanned once, and that scan shared by the
 * plain strategy and all its hybrids' oversample factors. Not thread-safe; one advice at a time.
 */
public final class Advisor {
  private static final Logger LOG = LoggerFactory.getLogger(Advisor.class);

  private final AdviseOptions options;

  public Advisor(AdviseOptions options) {
    this.options = options;
  }

  /** Evaluates the grid on {@code data} and recommends. */
  public Advice advise(SampledDataset data) {
    return advise(data, null);
  }

  /**
   * The advice, printing a progress line ({@link StepProgress}) to {@code progressOut}, when it is
   * not null, for each encoding measured: one per strategy base and PQ M, whose oversample variants
   * come from the same scan.
   */
  public Advice advise(SampledDataset data, PrintWriter progressOut) {
    long t0 = System.nanoTime();
    int dim = data.dataset().base().dim();
    List<CandidateSpec> grid = CandidateSpec.grid(dim, options);
    EvalOptions eval = new EvalOptions(options.similarity(), options.k(), 1, 0, options.repeat(), options.training());
    StrategyEvaluator evaluator = new StrategyEvaluator(data.dataset(), eval);
    // One encoding and one timed scan per (strategy base, M), deep enough for its largest oversample
    // factor; the plain strategy and each hybrid take their prefix of it (StrategyEvaluator.Shortlists).
    Map<String, List<CandidateSpec>> groups = new LinkedHashMap<>();
    for (CandidateSpec spec : grid) {
      groups.computeIfAbsent(spec.strategy().base() + "/" + spec.pqM(), key -> new ArrayList<>()).add(spec);
    }
    Map<CandidateSpec, AdviceCandidate> measured = new HashMap<>();
    StepProgress progress = progressOut == null ? null : new StepProgress(progressOut, groups.size());
    for (List<CandidateSpec> group : groups.values()) {
      CandidateSpec first = group.get(0);
      PreparedStrategy prepared = evaluator.prepare(first.strategy(), withPqM(options.training(), first.pqM()));
      int depth = options.k() * group.stream().mapToInt(s -> Math.max(1, s.oversample())).max().orElse(1);
      StrategyEvaluator.Shortlists scan = evaluator.shortlist(prepared, depth);
      for (CandidateSpec spec : group) {
        EvalResult result = evaluator.fromShortlists(scan, spec.strategy(), Math.max(1, spec.oversample()));
        MemoryProjection memory = MemoryProjection.of(options.corpusSize(), dim, result.codeBytesPerVector(),
            prepared.modelBytes(), spec.strategy().hybrid(), options.graphM(), options.rescoreInMemory());
        measured.put(spec, new AdviceCandidate(spec, result, memory));
        LOG.debug("{}: recall@{} {} at {} GB", spec.label(), options.k(),
            String.format(Locale.ROOT, "%.4f", result.recallAtK()), String.format(Locale.ROOT, "%.2f", memory.memoryGb()));
      }
      if (progress != null) {
        progress.step(String.format(Locale.ROOT, "%s: %d candidate%s measured", first.label(), group.size(),
            group.size() == 1 ? "" : "s"));
      }
    }
    List<AdviceCandidate> candidates = new ArrayList<>();
    for (CandidateSpec spec : grid) {
      candidates.add(measured.get(spec));
    }
    Recommendation recommendation = Recommendation.choose(candidates, options);
    return new Advice(options, data, candidates, ParetoFront.of(candidates), recommendation, (System.nanoTime() - t0) / 1e9);
  }

  private static TrainingOptions withPqM(TrainingOptions t, int pqM) {
    if (pqM == 0) {
      return t;
    }
    return new TrainingOptions(t.seed(), pqM, t.pqIterations(), t.pqTrainSamples(), t.calibrationSamples(), t.rotateBinary(),
        t.threads());
  }

  /**
   * The outcome: every candidate in grid order, which of them are on the Pareto front, the
   * recommendation, and the seconds the measurements took.
   */
  public record Advice(AdviseOptions options, SampledDataset data, List<AdviceCandidate> candidates, boolean[] pareto,
                       Recommendation recommendation, double seconds) {
    public Advice {
      candidates = List.copyOf(candidates);
      pareto = pareto.clone();
    }
  }
}
