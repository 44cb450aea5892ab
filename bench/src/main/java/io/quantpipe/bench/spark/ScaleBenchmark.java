package io.quantpipe.bench.spark;

import io.quantpipe.spark.testing.DerivedCorpus;
import io.quantpipe.spark.testing.LocalClusterRun;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The pipeline at growing corpus sizes (default 10k, 100k, 1M), each run on a {@code local-cluster}
 * of executor JVMs with a fixed heap ({@link LocalClusterRun}), reporting time per stage, time per
 * vector for train, encode and HNSW build, the mean search time per query, and each stage's peak
 * executor heap ({@link PeakMemoryListener}); {@code bin/quantpipe bench scale} starts it.
 *
 * <p>The larger corpora are {@link DerivedCorpus derived} from the real dataset. Everything but the
 * corpus stays fixed across sizes, except the number of coarse partitions, which grows with the
 * corpus ({@code --vectors-per-partition}) so that every HNSW graph has about the same size, as a
 * production profile would size it; queries probe a fifth of the partitions (at least 2), so recall
 * stays comparable across sizes. PQ Lloyd passes read the whole corpus ({@code pq-sample-fraction
 * = 1}), so training time should grow linearly. Prints one Markdown table and writes
 * {@code --out/scale.json} (one object per size); the per-run manifests, memory reports and logs
 * stay under {@code --out}.
 */
@Command(name = "scale", mixinStandardHelpOptions = true,
    description = "Pipeline time per stage and peak executor heap at 10k, 100k and 1M vectors, on a local cluster.")
public final class ScaleBenchmark implements Callable<Integer> {
  static final List<String> STAGES = List.of("import", "calibrate", "train", "coarse", "encode", "hnsw", "evaluate");

  @Option(names = "--data", defaultValue = "../shared/data/minilm-384",
      description = "Source TEXMEX directory: base.fvecs, query.fvecs (default: ${DEFAULT-VALUE}).")
  Path data;

  @Option(names = "--metric", defaultValue = "ip", description = "l2, ip or cosine (default: ${DEFAULT-VALUE}).")
  String metric;

  @Option(names = "--sizes", split = ",", defaultValue = "10000,100000,1000000", description = "Corpus sizes.")
  List<Long> sizes;

  @Option(names = "--noise", defaultValue = "0.5", description = "Derivation noise, times the mean per-dim std.")
  double noise;

  @Option(names = "--vectors-per-partition", defaultValue = "25000", description = "Corpus size / coarse partitions.")
  long perPartition;

  @Option(names = "--executors", defaultValue = "2")
  int executors;

  @Option(names = "--executor-memory-mb", defaultValue = "3072")
  int executorMb;

  @Option(names = "--driver-memory-mb", defaultValue = "1024")
  int driverMb;

  @Option(names = "--conf", defaultValue = "conf/local.conf", description = "Base conf profile (default: ${DEFAULT-VALUE}).")
  Path conf;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Extra pipeline options for every run.")
  List<String> sets = new ArrayList<>();

  @Option(names = "--out", defaultValue = "out/bench-scale",
      description = "Work directory: derived data, indexes, logs (default: ${DEFAULT-VALUE}).")
  Path out;

  public static void main(String[] args) {
    System.exit(new CommandLine(new ScaleBenchmark()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    String classpath = System.getProperty("java.class.path");
    LocalClusterRun.Spec spec = new LocalClusterRun.Spec(executors, 1, executorMb, driverMb, 512, 240);
    List<String> rows = new ArrayList<>();
    List<Map<String, Object>> records = new ArrayList<>();
    for (long size : sizes) {
      Path dir = out.resolve("data").resolve(data.getFileName() + "-" + size);
      if (!Files.exists(dir.resolve("base.fvecs"))) {
        System.err.printf("deriving %,d vectors into %s%n", size, dir);
        DerivedCorpus.write(data, size, noise, 42, dir);
      }
      int partitions = (int) Math.max(2, size / perPartition);
      List<String> args = new ArrayList<>(List.of("--input", dir.toAbsolutePath().toString(),
          "--output", out.resolve("index-" + size).toAbsolutePath().toString(),
          "--set", "metric=" + metric, "--set", "partitions=" + partitions, "--set", "pq-sample-fraction=1.0",
          "--set", "input-partitions=" + Math.max(executors, size / 50_000),
          "--set", "eval-nprobe=" + Math.max(2, partitions / 5),
          "--set", "gate-min-recall=0")); // measures cost and recall; the gate's floor is for the bundled data
      for (String s : sets) {
        args.add("--set");
        args.add(s);
      }
      System.err.printf("running the pipeline on %,d vectors (P=%d) ...%n", size, partitions);
      LocalClusterRun.Outcome run = LocalClusterRun.run(classpath, spec, conf.toAbsolutePath(),
          out.resolve("run-" + size), args);
      if (run.exitCode() != 0) {
        System.err.println(run.logTail(40));
        System.err.printf("the run on %,d vectors failed (exit %d); log: %s%n", size, run.exitCode(), run.log());
        return 1;
      }
      rows.add(ScaleFigures.row(size, partitions, run));
      records.add(ScaleFigures.record(size, partitions, run, spec, out.resolve("index-" + size)));
    }
    System.out.printf("%n%d executors x 1 core x %d MB heap, driver %d MB; seconds per stage; heap = peak executor"
        + " JVM heap in use during the stage (MB, garbage included)%n%n", executors, executorMb, driverMb);
    System.out.println("| vectors | P | nprobe | import s | calibrate s | train s | coarse s | encode s | hnsw s | evaluate s"
        + " | train µs/vec | encode µs/vec | hnsw µs/vec | search ms/query | heap import | heap train | heap encode"
        + " | heap hnsw | heap evaluate | recall@10 |");
    System.out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    rows.forEach(System.out::println);
    new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(out.resolve("scale.json").toFile(), records);
    System.out.println();
    System.out.println("per-size figures for the notebook: " + out.resolve("scale.json"));
    return 0;
  }
}
