package io.quantpipe.bench;

import java.util.Arrays;
import java.util.function.IntConsumer;

/**
 * Times a batch kernel the way {@code reference_ann.py kernels} does, so the two are comparable:
 * run it on a few queries, pick the query count that makes one repetition last about
 * {@code minSeconds}, then keep the best and the median of {@code repeat} repetitions. Before that it
 * warms the JIT for {@code minSeconds} (the Python side runs compiled code from the first call; a
 * JVM needs its compiler to have seen the loop). Not thread-safe.
 */
final class KernelTimer {
  private static final int FIRST = 4;
  private final double minSeconds;
  private final int repeat;

  KernelTimer(double minSeconds, int repeat) {
    this.minSeconds = minSeconds;
    this.repeat = repeat;
  }

  int repeat() {
    return Math.max(1, repeat);
  }

  /** One timing: queries run per repetition, best and median seconds. */
  record Timing(int queries, double best, double median) {}

  /** @param run runs the kernel on the first {@code n} queries */
  Timing time(IntConsumer run, int maxQueries) {
    return time(run, maxQueries, 1);
  }

  /**
   * @param run runs the kernel on the first {@code n} queries
   * @param minQueries the fewest queries a run gets (a batched kernel's batch, as the reference's
   *     {@code min_nq})
   */
  Timing time(IntConsumer run, int maxQueries, int minQueries) {
    int first = Math.max(FIRST, minQueries);
    long warm = System.nanoTime();
    do {
      run.accept(first);
    } while (System.nanoTime() - warm < minSeconds * 1e9);
    long t0 = System.nanoTime();
    run.accept(first);
    double dt = Math.max((System.nanoTime() - t0) / 1e9, 1e-6);
    int queries = (int) Math.min(maxQueries, Math.max(minQueries, Math.ceil(minSeconds * first / dt)));
    double[] seconds = new double[Math.max(1, repeat)];
    for (int r = 0; r < seconds.length; r++) {
      long start = System.nanoTime();
      run.accept(queries);
      seconds[r] = (System.nanoTime() - start) / 1e9;
    }
    double[] sorted = seconds.clone();
    Arrays.sort(sorted);
    return new Timing(queries, sorted[0], sorted[sorted.length / 2]);
  }
}
