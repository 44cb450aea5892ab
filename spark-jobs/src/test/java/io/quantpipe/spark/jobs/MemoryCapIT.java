package io.quantpipe.spark.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.quantpipe.spark.SparkTestBase;
import io.quantpipe.spark.testing.DerivedCorpus;
import io.quantpipe.spark.testing.LocalClusterRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole pipeline under small memory caps, on a real cluster of JVMs (Spark's
 * {@code local-cluster}: a driver and two executors): a 300,000-vector corpus derived from siftsmall
 * (154 MB as float32, 10 times the 16 MB of task results the driver may take back, and about
 * 600 MB as Spark rows of boxed floats) with a driver and two executors of 512 MB heap each (Spark's
 * minimum is 450 MB). It succeeds only if nothing proportional to the corpus reaches the driver and
 * each executor streams its partitions. Also proves that paths given relative to the driver's directory work on executors,
 * which run in directories of their own.
 */
class MemoryCapIT {
  private static final long ROWS = 300_000;
  private static final int DRIVER_HEAP_MB = 512;
  private static final int MAX_RESULT_MB = 16;
  private static final int EXECUTOR_MB = 512;

  @TempDir
  Path tmp;

  @Test
  void pipelineRunsWithTheCorpusLargerThanTheDriverMayHold() throws Exception {
    DerivedCorpus.Written corpus = DerivedCorpus.write(SparkTestBase.SIFTSMALL, ROWS, 0.25, 7, tmp.resolve("sift-300k"));
    assertThat(corpus.floatBytes()).isGreaterThan(8L * MAX_RESULT_MB << 20);

    LocalClusterRun.Spec spec = new LocalClusterRun.Spec(2, 1, EXECUTOR_MB, DRIVER_HEAP_MB, MAX_RESULT_MB, 20);
    List<String> args = new ArrayList<>(List.of("--input", "sift-300k", "--output", "index", "--strategy", "hybrid-pq"));
    for (String set : new String[] {"train-samples=4000", "calibration-samples=4000", "partitions=8",
        "pq-iterations=4", "coarse-iterations=4", "pq-sample-fraction=0.25", "hnsw-ef-construction=48",
        "eval-queries=50", "eval-nprobe=4", "include-vectors=false", "delta=false",
        "gate-min-recall=0"}) { // the test is about memory; a 300k corpus at these settings reaches recall@10 0.56
      args.add("--set");
      args.add(set);
    }
    // Relative --input/--output: resolved in tmp, the driver's working directory, not the executors'.
    LocalClusterRun.Outcome run = LocalClusterRun.run(classpath(), spec,
        Path.of("..", "conf", "local.conf").toAbsolutePath().normalize(), tmp, args);

    assertThat(run.exitCode()).as("exit code; log:%n%s", run.logTail(60)).isZero();
    JsonNode manifest = run.manifest();
    assertThat(manifest.path("counts").path("indexed").asLong()).isEqualTo(ROWS);
    assertThat(manifest.path("size").path("compression_ratio").asDouble()).isGreaterThan(10);
    assertThat(manifest.path("evaluation").path("recall@10").asDouble()).isGreaterThan(0.45); // FAISS IVFPQ, same M, P, nprobe, 40 rescored: 0.72-0.76 with full training
    assertThat(tmp.resolve("index").resolve("_CURRENT")).isRegularFile();

    JsonNode memory = run.memory();
    System.out.printf("MemoryCapIT: %.0f s, stage seconds %s, memory %s%n", run.seconds(), manifest.path("stage_seconds"),
        memory);
    for (String stage : List.of("import", "calibrate", "train", "coarse", "encode", "hnsw", "evaluate")) {
      assertThat(memory.path("stages").path(stage).size()).as("executors that ran %s tasks", stage).isEqualTo(2);
    }
    assertThat(memory.path("stages").path("hnsw").has("driver")).isFalse();
    assertThat(run.peakExecutorHeapBytes()).isPositive().isLessThanOrEqualTo((long) EXECUTOR_MB << 20);
    assertThat(memory.path("driver_peak_heap_bytes").asLong()).isPositive()
        .isLessThanOrEqualTo((long) DRIVER_HEAP_MB << 20);
  }

  /** spark-jobs' classes and every dependency, as bin/quantpipe runs them, plus the test classes' memory listener. */
  private static String classpath() throws Exception {
    Path target = Path.of("target");
    return target.resolve("classes").toAbsolutePath() + java.io.File.pathSeparator
        + target.resolve("test-classes").toAbsolutePath() + java.io.File.pathSeparator
        + Files.readString(target.resolve("runtime-classpath.txt")).trim();
  }
}
