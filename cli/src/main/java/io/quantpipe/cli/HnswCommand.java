package io.quantpipe.cli;

import io.quantpipe.report.JsonLines;
import io.quantpipe.report.StepProgress;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quantpipe.eval.Dataset;
import io.quantpipe.format.QuantizerArtifact;
import io.quantpipe.format.QuantizerCodec;
import io.quantpipe.hnsw.HnswConfig;
import io.quantpipe.hnsw.HnswPartition;
import io.quantpipe.hnsw.HnswPartitionBuilder;
import io.quantpipe.hnsw.HnswPartitionBuilder.BuildScores;
import io.quantpipe.hnsw.MappedVectors;
import io.quantpipe.hnsw.TwoPhaseSearcher;
import io.quantpipe.quant.Quantizer;
import io.quantpipe.quant.pq.PqParams;
import io.quantpipe.strategy.Strategy;
import io.quantpipe.strategy.StrategyTrainer;
import io.quantpipe.strategy.TrainingOptions;
import io.quantpipe.vector.Similarity;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code quantpipe hnsw}: builds one HNSW partition over a dataset's base vectors (or serves one
 * given with {@code --load}), reopens it from disk through the memory-mapping reader, and measures
 * recall, speed, size and time to first answer at each {@code ef}. {@code --json} writes one object
 * per ef with reference_ann.py's field names.
 */
@Command(name = "hnsw", mixinStandardHelpOptions = true,
    description = "Build an HNSW partition (float32 or quantized), reopen it memory-mapped, and measure it.")
public final class HnswCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  /** One line per step: the build, then each measured ef. */
  private StepProgress progress;

  @Option(names = "--data", required = true, description = "Dataset directory (base.fvecs, query.fvecs, optional groundtruth.ivecs).")
  Path data;

  @Option(names = "--metric", defaultValue = "l2", description = "l2, ip or cosine (default: ${DEFAULT-VALUE}).")
  String metric;

  static final String QUANTIZERS = "none, sq8, sq4, sq2, pq, pq4, bq, bq-centred, bq-asym, osq8, osq4, osq2, osq1, rabitq-1 … rabitq-8";

  @Option(names = "--quantizer", defaultValue = "none", description = QUANTIZERS + " (default: ${DEFAULT-VALUE}).")
  String quantizer;

  @Option(names = "--m", defaultValue = "" + HnswConfig.DEFAULT_M, description = "Neighbours per node; 2M on level 0 (default: ${DEFAULT-VALUE}).")
  int m;

  @Option(names = "--ef-construction", defaultValue = "" + HnswConfig.DEFAULT_EF_CONSTRUCTION, description = "Build candidate list size (default: ${DEFAULT-VALUE}).")
  int efConstruction;

  @Option(names = "--ef", defaultValue = "16,32,64,128,256", split = ",", description = "Search ef values (default: ${DEFAULT-VALUE}).")
  List<Integer> efs;

  @Option(names = "--k", defaultValue = "10", description = "Results per query (default: ${DEFAULT-VALUE}).")
  int k;

  @Option(names = "--oversample", defaultValue = "4", description = "Quantized graphs: candidates rescored in float32 per result; 1 = none (default: ${DEFAULT-VALUE}).")
  int oversample;

  @Option(names = "--build-scores", defaultValue = "float", description = "Link on float scores (float), or search"
      + " each insertion's candidates on transient int8 codes scored code x code, whatever --quantizer stores, and"
      + " choose its neighbours on float scores (codes) (default: ${DEFAULT-VALUE}).")
  String buildScores;

  @Option(names = "--threads", defaultValue = "1", description = "Build threads; queries run on one thread (default: ${DEFAULT-VALUE}).")
  int threads;

  @Option(names = "--seed", defaultValue = "" + TrainingOptions.DEFAULT_SEED, description = "Level and training seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--repeat", defaultValue = "3", description = "Timed query passes per ef, best reported (default: ${DEFAULT-VALUE}).")
  int repeat;

  @Option(names = "--skip-checksum", description = "Open without reading the whole file for its CRC32C (fast start).")
  boolean skipChecksum;

  @Option(names = "--out", description = "Write the partition here (and a quantized graph's quantizer beside it, as .qpa).")
  Path out;

  @Option(names = "--load", description = "Serve this partition file instead of building one.")
  Path load;

  @Option(names = "--json", description = "Write one JSON object per ef (JSON lines) to this file.")
  Path json;

  @Override
  public Integer call() throws Exception {
    Similarity similarity = Similarity.fromCliName(metric);
    BuildScores scores = parseBuildScores(buildScores);
    if (out != null && load != null) {
      throw new IllegalArgumentException("--out and --load exclude each other: build and write, or serve a written file");
    }
    if (k <= 0 || oversample <= 0 || repeat <= 0 || efs.stream().anyMatch(e -> e <= 0)) {
      throw new IllegalArgumentException("--k, --oversample, --repeat and every --ef must be positive");
    }
    Dataset dataset = Dataset.load(data, similarity, Math.max(k, 10), Runtime.getRuntime().availableProcessors());
    HnswConfig config = new HnswConfig(m, efConstruction, seed);
    Map<String, Object> build = new LinkedHashMap<>();
    progress = new StepProgress(spec.commandLine().getErr(), efs.size() + (load == null ? 1 : 0));
    Path file = load;
    Path scratch = null;
    if (load == null) {
      if (out == null) {
        scratch = Files.createTempDirectory("quantpipe-hnsw-");
      }
      file = out != null ? out : scratch.resolve("graph" + io.quantpipe.hnsw.HnswPartitionFormat.EXTENSION);
      build = buildPartition(dataset, similarity, config, scores, file);
      progress.step(String.format(Locale.ROOT, "built %,d nodes in %s s", dataset.base().count(), build.get("build_seconds")));
    }
    try {
      List<Map<String, Object>> rows = measure(dataset, similarity, file, build);
      print(rows, build);
      if (json != null) {
        JsonLines.write(json, rows);
      }
    } finally {
      if (scratch != null) {
        try (var files = Files.list(scratch)) {
          for (Path f : (Iterable<Path>) files::iterator) {
            Files.delete(f);
          }
        }
        Files.delete(scratch);
      }
    }
    return 0;
  }

  /** Trains the quantizer, writes its artifact beside the graph, builds and writes the graph. */
  private Map<String, Object> buildPartition(Dataset dataset, Similarity similarity, HnswConfig config,
      BuildScores scores, Path file) throws IOException, InterruptedException {
    Path parent = file.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    QuantizerArtifact artifact = null;
    double trainSeconds = 0;
    if (!quantizer.equals("none")) {
      Strategy strategy = Strategy.parse(quantizer);
      if (strategy.hybrid()) {
        throw new IllegalArgumentException("--quantizer takes a base quantizer (" + QUANTIZERS
            + "); rescoring is --oversample; got '" + quantizer + "'");
      }
      TrainingOptions training = new TrainingOptions(seed, 0, PqParams.DEFAULT_ITERATIONS,
          TrainingOptions.DEFAULT_PQ_TRAIN_SAMPLES, TrainingOptions.DEFAULT_CALIBRATION_SAMPLES, true, threads);
      long t0 = System.nanoTime();
      Quantizer q = StrategyTrainer.train(strategy, dataset.base(), similarity, training);
      trainSeconds = (System.nanoTime() - t0) / 1e9;
      String params = new ObjectMapper().writeValueAsString(
          StrategyTrainer.describe(strategy, dataset.base().dim(), training, dataset.base().count()));
      Path qpa = artifactPath(file);
      QuantizerCodec.write(q, params, qpa);
      artifact = QuantizerCodec.read(qpa);
    }
    HnswPartitionBuilder.Built built = HnswPartitionBuilder.build(dataset.base(),
        HnswPartitionBuilder.ordinalIds(dataset.base().count()), similarity, artifact, config, scores, threads, file);
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("train_seconds", round(trainSeconds, 4));
    info.put("encode_seconds", round(built.encodeSeconds(), 4));
    info.put("build_seconds", round(built.buildSeconds(), 4));
    info.put("inserts_per_second", round(dataset.base().count() / built.buildSeconds(), 1));
    if (!Double.isNaN(built.buildCpuSeconds())) {
      // One build thread: its CPU time is the figure to compare on a shared machine.
      info.put("build_cpu_seconds", round(built.buildCpuSeconds(), 4));
      info.put("inserts_per_cpu_second", round(dataset.base().count() / built.buildCpuSeconds(), 1));
    }
    info.put("build_threads", threads);
    return info;
  }

  /** A graph's quantizer artifact sits beside it: {@code x.qph} → {@code x.qpa}. */
  static Path artifactPath(Path graph) {
    String name = graph.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return graph.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + io.quantpipe.format.ArtifactFormat.EXTENSION);
  }

  static BuildScores parseBuildScores(String text) {
    try {
      return BuildScores.fromCliName(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--build-scores " + e.getMessage(), e);
    }
  }

  /** Opens the file as a server would and measures each ef. */
  private List<Map<String, Object>> measure(Dataset dataset, Similarity similarity, Path file,
      Map<String, Object> build) throws IOException {
    int n = dataset.base().count();
    int d = dataset.base().dim();
    long t0 = System.nanoTime();
    Path qpa = artifactPath(file);
    QuantizerArtifact artifact = Files.exists(qpa) ? QuantizerCodec.read(qpa, d, similarity) : null;
    HnswPartition partition = artifact == null
        ? HnswPartition.openFloat(file, d, similarity, !skipChecksum)
        : HnswPartition.open(file, artifact, !skipChecksum);
    TwoPhaseSearcher searcher = partition.quantizer() == null
        ? new TwoPhaseSearcher(partition, new io.quantpipe.hnsw.FloatScorerSupplier(dataset.base(), similarity))
        : new TwoPhaseSearcher(partition, MappedVectors.open(data.resolve(Dataset.BASE), d, similarity));
    searcher.search(dataset.queries().get(0), k, efs.get(0), oversample, null);
    double loadMs = (System.nanoTime() - t0) / 1e6;
    if (partition.size() != n) {
      throw new IllegalArgumentException(String.format(
          "%s has %d nodes but %s has %d base vectors", file, partition.size(), data, n));
    }
    long vectorBytes = partition.quantizer() == null ? 4L * d : partition.quantizer().codeBytes();
    long indexBytes = partition.fileBytes() + (partition.quantizer() == null ? 4L * d * n : 0);
    String quantizerName = artifact == null ? "none"
        : new ObjectMapper().readTree(artifact.paramsJson()).path("strategy").asText(partition.quantizer().kind().name());
    List<Map<String, Object>> rows = new ArrayList<>();
    GraphQueryTimer timer = new GraphQueryTimer(searcher, dataset, k, oversample, repeat);
    for (int ef : efs) {
      rows.add(timer.run(ef, row -> {
        row.put("dataset", dataset.name());
        row.put("metric", similarity.cliName());
        row.put("n", n);
        row.put("d", d);
        row.put("nq", dataset.queries().count());
        row.put("k", k);
        row.put("method", "hnsw");
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("quantizer", quantizerName);
        params.put("M", partition.m());
        params.put("ef_construction", partition.efConstruction());
        params.put("ef", ef);
        params.put("oversample", partition.quantizer() == null ? 0 : oversample);
        params.put("build_scores", load == null ? buildScores : "unknown"); // not recorded in the file
        row.put("params", params);
      }));
      Map<String, Object> row = rows.get(rows.size() - 1);
      progress.step(stepLine(ef, row));
      row.putAll(build);
      row.put("index_bytes", indexBytes);
      row.put("bytes_per_vector", round((double) indexBytes / n, 3));
      row.put("vector_bytes_per_vector", vectorBytes);
      row.put("vector_memory_ratio", round(vectorBytes / (4.0 * d), 4));
      row.put("rescore_float_bytes", partition.quantizer() == null || oversample <= 1 ? 0 : 4L * d * n);
      row.put("load_ms", round(loadMs, 2));
      row.put("checksum_verified", !skipChecksum);
    }
    return rows;
  }

  /** The progress line for one ef: its rate and the recalls the timer measured (only depths 1, 10, 100 up to k). */
  private static String stepLine(int ef, Map<String, Object> row) {
    StringBuilder line = new StringBuilder("ef " + ef + ": " + row.get("qps") + " qps");
    row.forEach((key, value) -> {
      if (key.startsWith("recall@")) {
        line.append(", ").append(key).append(' ').append(value);
      }
    });
    return line.toString();
  }

  private void print(List<Map<String, Object>> rows, Map<String, Object> build) {
    PrintWriter w = spec.commandLine().getOut();
    Map<String, Object> first = rows.get(0);
    w.printf(Locale.ROOT, "%s  n=%s d=%s metric=%s  %s%n", first.get("dataset"), first.get("n"), first.get("d"),
        first.get("metric"), first.get("params"));
    if (!build.isEmpty()) {
      w.printf(Locale.ROOT, "build %.2f s on %s thread(s): %.0f inserts/s%s%n", build.get("build_seconds"),
          build.get("build_threads"), build.get("inserts_per_second"), build.containsKey("inserts_per_cpu_second")
              ? String.format(Locale.ROOT, " (%.0f per CPU second)", build.get("inserts_per_cpu_second")) : "");
    }
    w.printf(Locale.ROOT, "index %d bytes (%.1f bytes/vector; vectors at %.1f%% of float32); opened and answered in %.1f ms%n",
        first.get("index_bytes"), first.get("bytes_per_vector"), 100 * (double) first.get("vector_memory_ratio"),
        first.get("load_ms"));
    w.printf(Locale.ROOT, "%6s %9s %9s %10s %9s%n", "ef", "recall@1", "recall@" + k, "qps", "visited");
    for (Map<String, Object> r : rows) {
      @SuppressWarnings("unchecked")
      Map<String, Object> params = (Map<String, Object>) r.get("params");
      w.printf(Locale.ROOT, "%6d %9.4f %9.4f %10.1f %9.0f%n", params.get("ef"), r.get("recall@1"),
          r.get("recall@" + k), r.get("qps"), r.get("visited_per_query"));
    }
    w.flush();
  }

  static double round(double v, int places) {
    double scale = Math.pow(10, places);
    return Math.round(v * scale) / scale;
  }
}
