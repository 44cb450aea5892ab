package io.quantpipe.spark.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quantpipe.spark.PipelineJob;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.launcher.JavaModuleOptions;

/**
 * Runs the pipeline's command line ({@link PipelineJob}) in a child JVM on Spark's
 * {@code local-cluster} master: a real master, worker and executor JVMs on this machine, each executor
 * capped at its own heap, the driver at its own. That is how a cluster runs the job (tasks,
 * broadcasts and results cross JVMs, executors resolve paths in their own working directories),
 * which {@code local[*]} hides.
 *
 * <p>Spark's own test suites use this mode. It needs {@code SPARK_TESTING=1} in the driver's
 * environment, so the worker takes the executors' classpath from {@code spark.executor.extraClassPath}
 * instead of a Spark distribution; set here, never in the caller's JVM. Every run records its
 * memory with a {@link PeakMemoryListener}. Stateless.
 */
public final class LocalClusterRun {
  private LocalClusterRun() {}

  /**
   * The cluster's shape and caps.
   *
   * @param executors executor JVMs
   * @param coresPerExecutor task slots per executor
   * @param executorMemoryMb each executor's heap ({@code spark.executor.memory}; Spark's minimum is 450)
   * @param driverHeapMb the driver JVM's {@code -Xmx}
   * @param maxResultMb {@code spark.driver.maxResultSize}: a job whose results exceed it fails
   * @param timeoutMinutes the run is killed after this long
   */
  public record Spec(int executors, int coresPerExecutor, int executorMemoryMb, int driverHeapMb, int maxResultMb,
      int timeoutMinutes) {}

  /**
   * How the run ended.
   *
   * @param exitCode the pipeline's exit code (0 published, 1 failed, 2 bad options or input)
   * @param manifest the published manifest, or {@code null} when nothing was published
   * @param memory the {@link PeakMemoryListener} report, or {@code null} when the driver died first
   * @param log the child's stdout and stderr
   * @param seconds wall-clock time of the whole run, JVM start to exit
   */
  public record Outcome(int exitCode, JsonNode manifest, JsonNode memory, Path log, double seconds) {
    /** The last {@code lines} lines of the log without Spark's INFO chatter, for failure messages. */
    public String logTail(int lines) throws IOException {
      List<String> kept = Files.readAllLines(log).stream().filter(l -> !l.contains(" INFO ")).toList();
      return String.join("\n", kept.subList(Math.max(0, kept.size() - lines), kept.size()));
    }

    /** The largest executor heap seen in any stage, in bytes. */
    public long peakExecutorHeapBytes() {
      long max = 0;
      for (var stages = memory.path("stages").fieldNames(); stages.hasNext(); ) {
        max = Math.max(max, peakExecutorHeapBytes(stages.next()));
      }
      return max;
    }

    /** The largest executor heap seen during pipeline stage {@code stage}, in bytes (0 if it ran no tasks). */
    public long peakExecutorHeapBytes(String stage) {
      long max = 0;
      for (JsonNode bytes : memory.path("stages").path(stage)) {
        max = Math.max(max, bytes.asLong());
      }
      return max;
    }
  }

  /** The SIMD kernels in the driver and executors, as the production profiles set them. */
  private static final String VECTOR_MODULE = "--add-modules=jdk.incubator.vector";

  /**
   * Runs {@code bin/quantpipe pipeline --conf conf ARGS} in a child JVM, in {@code workDir} (which
   * receives {@code manifest.json}, {@code memory.json} and {@code run.log}).
   *
   * @param classpath the classpath of the driver and the executors: spark-jobs, common-quant and every
   *     dependency, Spark included
   */
  public static Outcome run(String classpath, Spec spec, Path conf, Path workDir, List<String> args)
      throws IOException, InterruptedException {
    workDir = workDir.toAbsolutePath(); // the child runs in it: paths handed to it must not be relative
    Files.createDirectories(workDir);
    Path manifest = workDir.resolve("manifest.json");
    Path memory = workDir.resolve("memory.json");
    Path log = workDir.resolve("run.log");
    Files.deleteIfExists(manifest);
    Files.deleteIfExists(memory);

    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx" + spec.driverHeapMb() + "m");
    cmd.addAll(Arrays.asList(JavaModuleOptions.defaultModuleOptionArray()));
    cmd.add(VECTOR_MODULE);
    cmd.add("-Dspark.test.home=" + workDir); // the worker's "Spark home"; nothing is read from it
    cmd.addAll(List.of("-cp", classpath, PipelineJob.class.getName(), "--conf", conf.toString(),
        "--json", manifest.toString()));
    sparkConf(cmd, "spark.master", String.format("local-cluster[%d,%d,%d]", spec.executors(), spec.coresPerExecutor(),
        spec.executorMemoryMb()));
    sparkConf(cmd, "spark.executor.memory", spec.executorMemoryMb() + "m");
    sparkConf(cmd, "spark.executor.extraClassPath", classpath);
    sparkConf(cmd, "spark.executor.extraJavaOptions", VECTOR_MODULE);
    sparkConf(cmd, "spark.driver.maxResultSize", spec.maxResultMb() + "m");
    sparkConf(cmd, "spark.extraListeners", PeakMemoryListener.class.getName());
    sparkConf(cmd, PeakMemoryListener.REPORT_KEY, memory.toString());
    sparkConf(cmd, "spark.executor.metrics.pollingInterval", "100ms");
    sparkConf(cmd, "spark.executor.heartbeatInterval", "1s");
    sparkConf(cmd, "spark.ui.enabled", "false");
    cmd.addAll(args);

    ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    pb.environment().put("SPARK_TESTING", "1");
    pb.environment().put("SPARK_SCALA_VERSION", "2.13");
    pb.environment().putIfAbsent("SPARK_LOCAL_IP", "127.0.0.1");
    long start = System.nanoTime();
    Process process = pb.start();
    if (!process.waitFor(spec.timeoutMinutes(), TimeUnit.MINUTES)) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly().waitFor();
      throw new IOException("The pipeline did not finish in " + spec.timeoutMinutes() + " minutes; see " + log);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    ObjectMapper json = new ObjectMapper();
    return new Outcome(process.exitValue(), Files.exists(manifest) ? json.readTree(manifest.toFile()) : null,
        Files.exists(memory) ? json.readTree(memory.toFile()) : null, log, seconds);
  }

  private static void sparkConf(List<String> cmd, String key, String value) {
    cmd.add("--spark-conf");
    cmd.add(key + "=" + value);
  }
}
