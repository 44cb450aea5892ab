package io.quantpipe.spark.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.SparkConf;
import org.apache.spark.executor.ExecutorMetrics;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerApplicationEnd;
import org.apache.spark.scheduler.SparkListenerExecutorMetricsUpdate;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Records the peak JVM heap of each executor per pipeline stage, and of the driver, and writes them
 * as JSON when the application ends: the "peak memory per executor" figure of the scale benchmark
 * and of the memory-capped test.
 *
 * <p>A pipeline stage is the job group its jobs run in ({@code import}, {@code calibrate},
 * {@code train}, {@code coarse}, {@code encode}, {@code hnsw}, {@code evaluate}). An executor's
 * figure is Spark's {@code JVMHeapMemory} metric (heap in use, garbage not yet collected included,
 * so an upper bound on what the stage needed) at its highest while one of the stage's tasks ran;
 * the driver's is its highest heartbeat sample. Register it with
 * <pre>
 * spark.extraListeners = io.quantpipe.spark.testing.PeakMemoryListener
 * spark.quantpipe.memory-report = /path/to/memory.json
 * spark.executor.metrics.pollingInterval = 100ms   (task peaks are only sampled while polling)
 * </pre>
 * Called on Spark's listener-bus thread; the maps are concurrent so a report can be read meanwhile.
 */
public final class PeakMemoryListener extends SparkListener {
  /** The Spark setting naming the JSON file to write. */
  public static final String REPORT_KEY = "spark.quantpipe.memory-report";
  private static final String HEAP = "JVMHeapMemory";

  private final String report;
  private final Map<Integer, String> stageOfSparkStage = new ConcurrentHashMap<>();
  private final Map<String, Map<String, Long>> peaks = new ConcurrentHashMap<>();
  private volatile long driverPeak;

  /** Spark constructs extra listeners with the application's configuration. */
  public PeakMemoryListener(SparkConf conf) {
    this.report = conf.get(REPORT_KEY, null);
  }

  @Override
  public void onStageSubmitted(SparkListenerStageSubmitted event) {
    String group = event.properties() == null ? null : event.properties().getProperty("spark.jobGroup.id");
    stageOfSparkStage.put(event.stageInfo().stageId(), group == null ? "other" : group);
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd event) {
    ExecutorMetrics metrics = event.taskExecutorMetrics();
    if (metrics == null) {
      return;
    }
    String stage = stageOfSparkStage.getOrDefault(event.stageId(), "other");
    peaks.computeIfAbsent(stage, s -> new ConcurrentHashMap<>())
        .merge(event.taskInfo().executorId(), metrics.getMetricValue(HEAP), Math::max);
  }

  @Override
  public void onExecutorMetricsUpdate(SparkListenerExecutorMetricsUpdate event) {
    if (!"driver".equals(event.execId())) {
      return;
    }
    for (ExecutorMetrics m : CollectionConverters.asJava(event.executorUpdates()).values()) {
      driverPeak = Math.max(driverPeak, m.getMetricValue(HEAP));
    }
  }

  @Override
  public void onApplicationEnd(SparkListenerApplicationEnd event) {
    if (report == null) {
      return;
    }
    try {
      Files.writeString(Path.of(report), toJson());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the memory report " + report, e);
    }
  }

  /**
   * The report: {@code {"driver_peak_heap_bytes": N, "stages": {stage: {executor id: peak bytes}}}},
   * stages and executors in name order.
   */
  public String toJson() {
    ObjectMapper json = new ObjectMapper();
    ObjectNode root = json.createObjectNode();
    root.put("driver_peak_heap_bytes", driverPeak);
    ObjectNode stages = root.putObject("stages");
    new TreeMap<>(peaks).forEach((stage, byExecutor) -> {
      ObjectNode node = stages.putObject(stage);
      new TreeMap<>(byExecutor).forEach(node::put);
    });
    return root.toPrettyString();
  }
}
