package io.quantpipe.serving;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.TimeUnit;

/**
 * Keeps background work (preparing the next version beside the served one, re-reading the cache)
 * to a share of one core while queries are answered: between steps of work, {@link #pause} sleeps
 * long enough that work takes at most {@code share} of the elapsed time. A preparation that runs
 * flat out (checking and mapping 1.7 GB, then warming up) takes the core from the queries for
 * seconds on a node with one, and the tail latency of a switch multiplies; at a quarter of a core
 * it takes about four times as long and the p99 stays within 2x.
 *
 * <p>Work is the thread's CPU time: time it waits for a core already crowded by queries is not
 * work, so a busy node does not slow its preparation twice over. Not thread-safe: one per task,
 * used on the thread that made it.
 */
final class BackgroundShare {
  /** Pauses shorter than this are saved up: sleeping is not precise below a few milliseconds. */
  private static final long MIN_SLEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

  private final double share;
  private long cpuAtLastPause;

  /** @param share the fraction of one core the work may use, in (0, 1]; 1 never pauses */
  BackgroundShare(double share) {
    if (!(share > 0 && share <= 1)) {
      throw new IllegalArgumentException("share must be in (0, 1], not " + share);
    }
    this.share = share;
    this.cpuAtLastPause = share >= 1 ? 0 : Cpu.THREADS.getCurrentThreadCpuTime();
  }

  /** No limit: for the first version, when there are no queries to protect. */
  static BackgroundShare unlimited() {
    return new BackgroundShare(1);
  }

  /** How long {@link #pause} would sleep now, in nanoseconds. */
  long owedNanos() {
    return share >= 1 ? 0 : (long) ((Cpu.THREADS.getCurrentThreadCpuTime() - cpuAtLastPause) * (1 - share) / share);
  }

  /** Called between steps of work: sleeps off the work done since the last pause, beyond the share. */
  void pause() {
    long sleep = owedNanos();
    if (sleep < MIN_SLEEP_NANOS) {
      return;
    }
    try {
      TimeUnit.NANOSECONDS.sleep(sleep);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // the node is stopping: the work's next read fails and ends it
    }
    cpuAtLastPause = Cpu.THREADS.getCurrentThreadCpuTime();
  }

  /** Loaded with the first limited share: a node's start (unlimited) does not load the management classes. */
  private static final class Cpu {
    static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  }
}
