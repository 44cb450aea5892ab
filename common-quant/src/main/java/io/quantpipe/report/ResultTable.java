package io.quantpipe.report;

import io.quantpipe.eval.Dataset;
import io.quantpipe.eval.EvalOptions;
import io.quantpipe.eval.EvalResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Renders evaluation results as an aligned text table, one row per strategy. */
public final class ResultTable {
  private ResultTable() {}

  public static String render(Dataset dataset, EvalOptions options, List<EvalResult> results) {
    int k = options.k();
    List<String[]> rows = new ArrayList<>();
    List<String> header = new ArrayList<>(List.of("strategy", "bytes/vec", "compression", "recall@1"));
    if (k >= 10) {
      header.add("recall@10");
    }
    if (k >= 100) {
      header.add("recall@100");
    }
    header.addAll(List.of("ndcg@" + k, "map@" + k, "train s", "encode s", "qps"));
    rows.add(header.toArray(new String[0]));
    for (EvalResult r : results) {
      List<String> row = new ArrayList<>();
      row.add(r.method());
      row.add(fmt("%.1f", r.bytesPerVector()) + (r.rescoreFloatBytes() > 0 ? "+f32" : ""));
      row.add(fmt("%.1fx", r.compressionRatio()));
      row.add(fmt("%.4f", r.recallAt(1)));
      if (k >= 10) {
        row.add(fmt("%.4f", r.recallAt(10)));
      }
      if (k >= 100) {
        row.add(fmt("%.4f", r.recallAt(100)));
      }
      row.add(fmt("%.4f", r.ndcg()));
      row.add(fmt("%.4f", r.map()));
      row.add(fmt("%.2f", r.trainSeconds()));
      row.add(fmt("%.2f", r.buildSeconds()));
      row.add(fmt("%.0f", r.qps()));
      rows.add(row.toArray(new String[0]));
    }
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "%s: n=%d d=%d queries=%d metric=%s k=%d ground truth=%s%n",
        dataset.name(), dataset.base().count(), dataset.base().dim(), dataset.queries().count(),
        options.similarity().cliName(), k, dataset.groundTruthSource()));
    sb.append(TextTable.render(rows));
    sb.append("bytes/vec counts codes plus the model; +f32: hybrids also read the float32 vectors to rescore.\n");
    return sb.toString();
  }

  private static String fmt(String format, double v) {
    return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, format, v);
  }
}
