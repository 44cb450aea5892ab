package io.quantpipe.bench;

import io.quantpipe.report.JsonLines;
import io.quantpipe.report.TextTable;

import io.quantpipe.bench.KernelBenchmark;
import io.quantpipe.bench.serve.ServeLoadCommand;
import io.quantpipe.bench.spark.ScaleBenchmark;
import io.quantpipe.vector.VectorUtil;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bin/quantpipe bench}: the benchmarks. {@code kernels} runs here (plain Java, one thread);
 * {@code bench scale} runs the Spark pipeline at growing sizes, so the launcher starts spark-jobs'
 * {@code io.quantpipe.bench.spark.ScaleBenchmark} for it instead of this class.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Benchmarks: 'bench kernels' (distance and training kernels, like reference_ann.py kernels), "
        + "'bench scale' (the Spark pipeline at 10k, 100k and 1M vectors) and 'bench serve-load' (open-loop load on a "
        + "serving node; bin/benchmark-serve runs the whole serving benchmark).",
    subcommands = {BenchCommand.Kernels.class, ScaleBenchmark.class, ServeLoadCommand.class})
public final class BenchCommand implements Runnable {
  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(),
        "Choose 'bench kernels', 'bench scale' or 'bench serve-load'");
  }

  /** {@code bench kernels}: {@link KernelBenchmark} at each {@code --dims}, a table and JSON lines. */
  @Command(name = "kernels", mixinStandardHelpOptions = true,
      description = "Time flat, exact_knn, sq8, sq4, sq8_encode, pq_adc, pq4_fastscan, pq_encode, hamming and kmeans on one thread, with the names, data "
          + "shapes and JSON fields of ../shared/tools/reference_ann.py kernels.")
  static final class Kernels implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--dims", split = ",", defaultValue = "128,384,1536", description = "Dimensions (default: ${DEFAULT-VALUE}).")
    List<Integer> dims;

    @Option(names = "--n", defaultValue = "100000", description = "Vectors or codes scanned, points clustered (default: ${DEFAULT-VALUE}).")
    int n;

    @Option(names = "--k", defaultValue = "10", description = "Results per query (default: ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--kernels", split = ",", defaultValue = "all", description = "Some of " + "flat,exact_knn,sq8_encode,sq8,sq4,pq_adc,pq4_fastscan,pq_encode,hamming,rabitq1,rabitq1_fastscan,kmeans (default: all).")
    List<String> kernels;

    @Option(names = "--min-time", defaultValue = "0.5", description = "Seconds one repetition should last (default: ${DEFAULT-VALUE}).")
    double minTime;

    @Option(names = "--repeat", defaultValue = "3", description = "Repetitions; the best counts (default: ${DEFAULT-VALUE}).")
    int repeat;

    @Option(names = "--seed", defaultValue = "1234")
    long seed;

    @Option(names = "--json", description = "Write one JSON object per line: an env record, then one per kernel and d.")
    Path json;

    @Override
    public Integer call() throws IOException {
      List<String> chosen = kernels.equals(List.of("all")) ? KernelBenchmark.KERNELS : kernels;
      for (String kernel : chosen) {
        if (!KernelBenchmark.KERNELS.contains(kernel)) {
          throw new IllegalArgumentException("--kernels: unknown kernel '" + kernel + "'; choose from "
              + String.join(",", KernelBenchmark.KERNELS));
        }
      }
      for (int d : dims) {
        if (d <= 0) {
          throw new IllegalArgumentException("--dims: every dimension must be positive; got " + d);
        }
      }
      if (chosen.contains("kmeans") && n < 256) {
        throw new IllegalArgumentException("--n " + n + ": kmeans trains 256 centroids and needs at least 256 points");
      }
      if (n < k || k <= 0 || minTime <= 0 || repeat <= 0) {
        throw new IllegalArgumentException(String.format(Locale.ROOT,
            "Need 0 < --k <= --n, --min-time > 0 and --repeat > 0; got k=%d n=%d min-time=%s repeat=%d", k, n, minTime, repeat));
      }
      PrintWriter out = spec.commandLine().getOut();
      List<Map<String, Object>> records = new ArrayList<>();
      records.add(environment());
      TextTable table = new TextTable("kernel", "d", "params", "nq", "rate", "ns/item", "unit");
      KernelBenchmark bench = new KernelBenchmark(n, k, chosen, minTime, repeat, seed);
      for (int d : dims) {
        bench.run(d, r -> {
          records.add(r);
          table.row(row(r));
          System.err.printf(Locale.ROOT, "[kernel] d=%d %-10s %s ns/item%n", d, r.get("kernel"), r.get("ns_per_item"));
        });
      }
      out.printf(Locale.ROOT, "kernels: n=%d k=%d threads=1 implementation=%s (best of %d)%n", n, k,
          VectorUtil.implementation(), repeat);
      out.print(table.render(0));
      out.flush();
      if (json != null) {
        JsonLines.write(json, records);
      }
      return 0;
    }

    private Map<String, Object> environment() {
      return Map.of("kind", "env", "tool", "quantpipe", "kernels", VectorUtil.implementation(),
          "java", System.getProperty("java.version"), "nproc", Runtime.getRuntime().availableProcessors(),
          "threads", 1, "argv", String.join(" ", spec.commandLine().getParseResult().originalArgs()));
    }

    private static String[] row(Map<String, Object> r) {
      @SuppressWarnings("unchecked")
      Map<String, Object> params = (Map<String, Object>) r.get("params");
      StringBuilder p = new StringBuilder();
      params.forEach((key, value) -> {
        if (!key.equals("note") && !key.equals("kernels")) {
          p.append(p.length() == 0 ? "" : ",").append(key).append('=').append(value);
        }
      });
      boolean training = "kmeans".equals(r.get("kernel"));
      return new String[] {(String) r.get("kernel"), String.valueOf(r.get("d")), p.toString(),
          training ? "-" : String.valueOf(r.get("nq")),
          training ? String.format(Locale.ROOT, "%.3f s", (Double) r.get("seconds"))
              : String.format(Locale.ROOT, "%.2f M", (Double) r.get(r.get("unit") + "_per_second") / 1e6),
          String.format(Locale.ROOT, "%.3f", (Double) r.get("ns_per_item")),
          training ? "point*centroid*iter" : (String) r.get("unit")};
    }
  }
}
