package io.quantpipe.spark.advise;

import io.quantpipe.report.TextTable;

import io.quantpipe.advise.AdviceCandidate;
import io.quantpipe.advise.AdviseOptions;
import io.quantpipe.advise.Advisor.Advice;
import io.quantpipe.advise.MemoryProjection;
import io.quantpipe.eval.Dataset;
import io.quantpipe.hnsw.HnswPartitionFormat;
import io.quantpipe.strategy.TrainingOptions;
import io.quantpipe.quant.pq.PqParams;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renders an {@link Advice}: the Pareto table (or every candidate) with the recommendation and its
 * reason as text, and one JSON object ({@code recommendation}, {@code candidates}) whose
 * {@code method} and {@code params} are {@code bin/quantpipe evaluate}'s {@code --strategies} and
 * options, with the full {@code evaluate} command line that re-measures each candidate on
 * {@code measuredDir} (the data directory itself, or the sample written out). Stateless.
 */
public final class AdviceReport {
  private AdviceReport() {}

  /** The text report; {@code all} lists every candidate instead of the Pareto front only. */
  public static String text(Advice advice, Path measuredDir, boolean all) {
    AdviseOptions o = advice.options();
    Dataset d = advice.data().dataset();
    StringBuilder sb = new StringBuilder();
    sb.append(fmt("%s: sample of %,d of %,d vectors, %d dims, %,d queries (%s), metric %s, k=%d%n", d.name(),
        d.base().count(), advice.data().corpusRows(), d.base().dim(), d.queries().count(), advice.data().querySource(),
        o.similarity().cliName(), o.k()));
    sb.append(fmt("memory projected to %,d vectors: codes + model + %s; hybrids' float32 rescoring vectors %s%n",
        o.corpusSize(), o.graphM() == 0 ? "no graph (flat scan)"
            : fmt("HNSW graph and ids (M=%d, %.1f B/vector)", o.graphM(), HnswPartitionFormat.expectedBytesPerNode(o.graphM())),
        o.rescoreInMemory() ? "in memory (counted)" : "on disk (not counted; disk GB column)"));
    sb.append(fmt("latency: mean single-thread time of one query on the sample (a flat scan of its %,d codes), to compare "
        + "strategies; a served HNSW index visits a small fraction of the codes%n%n", d.base().count()));
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"strategy", "memory GB", "codes GB", "graph GB", "disk GB", "recall@" + o.k(), "ms/query",
        "pareto", "verdict"});
    int shown = 0;
    List<Integer> byMemory = new ArrayList<>();
    for (int i = 0; i < advice.candidates().size(); i++) {
      byMemory.add(i);
    }
    byMemory.sort(java.util.Comparator.comparingLong(i -> advice.candidates().get(i).memory().memoryBytes()));
    for (int i : byMemory) {
      AdviceCandidate c = advice.candidates().get(i);
      if (!all && !advice.pareto()[i]) {
        continue;
      }
      shown++;
      MemoryProjection m = c.memory();
      boolean chosen = c == advice.recommendation().candidate();
      rows.add(new String[] {(chosen ? "* " : "  ") + c.spec().label(), fmt("%.2f", m.memoryGb()), fmt("%.2f", m.codeBytes() / 1e9),
          fmt("%.2f", m.graphBytes() / 1e9), fmt("%.2f", m.diskGb()), fmt("%.4f", c.recall()), fmt("%.3f", c.latencyMs()),
          advice.pareto()[i] ? "yes" : "", c.meetsAll(o) ? "meets" : c.verdict(o)});
    }
    sb.append(fmt("%s, %d of %d candidates, by memory (* recommended):%n", all ? "Every candidate" : "Pareto front (memory, recall, latency)",
        shown, advice.candidates().size()));
    sb.append(TextTable.render(rows)).append('\n');
    AdviceCandidate r = advice.recommendation().candidate();
    sb.append(fmt("recommendation: %s%s%n", r.spec().label(), advice.recommendation().meetsTargets() ? "" : " (does not meet every limit)"));
    sb.append("  ").append(advice.recommendation().reason()).append('\n');
    sb.append("  re-measure: ").append(evaluateCommand(advice, r, measuredDir)).append('\n');
    sb.append(fmt("advised in %.1f s%n", advice.seconds()));
    return sb.toString();
  }

  /** The JSON object {@code --json} writes. */
  public static Map<String, Object> json(Advice advice, Path measuredDir) {
    AdviseOptions o = advice.options();
    Dataset d = advice.data().dataset();
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("dataset", d.name());
    root.put("metric", o.similarity().cliName());
    root.put("k", o.k());
    Map<String, Object> sample = new LinkedHashMap<>();
    sample.put("vectors", d.base().count());
    sample.put("queries", d.queries().count());
    sample.put("query_source", advice.data().querySource());
    sample.put("corpus_rows", advice.data().corpusRows());
    sample.put("dimension", d.base().dim());
    sample.put("data", measuredDir.toString());
    root.put("sample", sample);
    root.put("corpus_size", o.corpusSize());
    root.put("max_memory_gb", o.maxMemoryGb());
    root.put("target_recall", o.targetRecall());
    root.put("latency_budget_ms", o.hasLatencyBudget() ? o.latencyBudgetMs() : null);
    root.put("graph_m", o.graphM());
    root.put("rescore_vectors", o.rescoreInMemory() ? "memory" : "disk");
    root.put("seconds", Math.round(advice.seconds() * 100) / 100.0);
    Map<String, Object> rec = candidate(advice, advice.recommendation().candidate(), measuredDir, -1);
    rec.put("reason", advice.recommendation().reason());
    rec.put("meets_targets", advice.recommendation().meetsTargets());
    root.put("recommendation", rec);
    List<Object> list = new ArrayList<>();
    for (int i = 0; i < advice.candidates().size(); i++) {
      list.add(candidate(advice, advice.candidates().get(i), measuredDir, i));
    }
    root.put("candidates", list);
    return root;
  }

  private static Map<String, Object> candidate(Advice advice, AdviceCandidate c, Path measuredDir, int index) {
    AdviseOptions o = advice.options();
    MemoryProjection m = c.memory();
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("method", c.spec().strategy().name());
    row.put("params", c.spec().params());
    row.put("recall@" + o.k(), round(c.recall(), 5));
    row.put("projected_memory_gb", round(m.memoryGb(), 4));
    row.put("reason", c.verdict(o));
    row.put("meets_target", c.meetsAll(o));
    if (index >= 0) {
      row.put("pareto", advice.pareto()[index]);
    }
    row.put("latency_ms", round(c.latencyMs(), 4));
    Map<String, Object> mem = new LinkedHashMap<>();
    mem.put("codes_gb", round(m.codeBytes() / 1e9, 4));
    mem.put("model_mb", round(m.modelBytes() / 1e6, 4));
    mem.put("graph_gb", round(m.graphBytes() / 1e9, 4));
    mem.put("rescore_gb", round(m.rescoreBytes() / 1e9, 4));
    mem.put("rescore_in", m.rescoreBytes() == 0 ? null : m.rescoreInMemory() ? "memory" : "disk");
    row.put("projection", mem);
    row.put("sample_bytes_per_vector", round(c.result().bytesPerVector(), 3));
    row.put("evaluate_command", evaluateCommand(advice, c, measuredDir));
    return row;
  }

  /** The {@code bin/quantpipe evaluate} line that measures {@code c} again. */
  static String evaluateCommand(Advice advice, AdviceCandidate c, Path measuredDir) {
    AdviseOptions o = advice.options();
    TrainingOptions t = o.training();
    StringBuilder b = new StringBuilder("bin/quantpipe evaluate --data ").append(measuredDir)
        .append(" --metric ").append(o.similarity().cliName()).append(" --k ").append(o.k())
        .append(" --strategies ").append(c.spec().strategy().name());
    c.spec().params().forEach((key, value) -> b.append(" --").append(key).append(' ').append(value));
    b.append(" --seed ").append(t.seed());
    if (t.pqIterations() != PqParams.DEFAULT_ITERATIONS) {
      b.append(" --pq-iterations ").append(t.pqIterations());
    }
    if (t.pqTrainSamples() != TrainingOptions.DEFAULT_PQ_TRAIN_SAMPLES) {
      b.append(" --train-samples ").append(t.pqTrainSamples());
    }
    if (t.calibrationSamples() != TrainingOptions.DEFAULT_CALIBRATION_SAMPLES) {
      b.append(" --calibration-samples ").append(t.calibrationSamples());
    }
    return b.toString();
  }

  private static double round(double v, int digits) {
    double scale = Math.pow(10, digits);
    return Math.round(v * scale) / scale;
  }

  private static String fmt(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }
}
