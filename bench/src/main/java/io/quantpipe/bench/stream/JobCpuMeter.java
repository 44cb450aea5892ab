package io.quantpipe.bench.stream;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * CPU time spent by the stream job's own threads in this JVM: its task threads and the Kafka
 * client threads they start, picked out by name. The demo runs the broker, the producer and the
 * read-back consumer in the same JVM on the same cores; dividing records by this time gives the
 * job's throughput per core, which is what a deployment with the broker elsewhere would see per
 * task slot. Threads are sampled every 50 ms, so a thread that ends (a recycled Kafka producer)
 * loses at most its last 50 ms. Thread-safe.
 */
final class JobCpuMeter implements AutoCloseable {
  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private final Predicate<String> isJobThread;
  private final Map<Long, Long> cpuNanosByThread = new HashMap<>();
  private final Map<Long, String> names = new HashMap<>();
  private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "job-cpu-meter");
    t.setDaemon(true);
    return t;
  });

  /** Starts sampling the threads whose names {@code isJobThread} accepts. */
  JobCpuMeter(Predicate<String> isJobThread) {
    this.isJobThread = isJobThread;
    sampler.scheduleAtFixedRate(this::sample, 0, 50, TimeUnit.MILLISECONDS);
  }

  /** The stream job's threads: Flink task threads of its operators and their Kafka clients. */
  static JobCpuMeter forStreamJob() {
    return new JobCpuMeter(name -> name.startsWith("Source: inserts") || name.startsWith("Source Data Fetcher for Source: inserts")
        || name.startsWith("parse + encode") || name.startsWith("dead letters") || name.contains("producer-quantpipe-stream"));
  }

  private synchronized void sample() {
    for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info != null && isJobThread.test(info.getThreadName())) {
        long cpu = threads.getThreadCpuTime(info.getThreadId());
        if (cpu > 0) {
          cpuNanosByThread.merge(info.getThreadId(), cpu, Math::max);
          names.put(info.getThreadId(), info.getThreadName());
        }
      }
    }
  }

  /** CPU seconds per thread name so far, for the log: where the job's time goes. */
  synchronized Map<String, Double> cpuSecondsByThread() {
    sample();
    Map<String, Double> out = new java.util.TreeMap<>();
    cpuNanosByThread.forEach((id, nanos) -> out.merge(names.get(id), nanos / 1e9, Double::sum));
    return out;
  }

  /** CPU seconds of the job's threads so far. */
  synchronized double cpuSeconds() {
    sample();
    return cpuNanosByThread.values().stream().mapToLong(Long::longValue).sum() / 1e9;
  }

  @Override
  public void close() {
    sampler.shutdownNow();
  }
}
