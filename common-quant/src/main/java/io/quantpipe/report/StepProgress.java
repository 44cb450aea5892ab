package io.quantpipe.report;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * Progress of a job made of a known number of steps (strategies evaluated, advice candidates
 * measured): one line per finished step, {@code [i/n] what, elapsed m:ss, ETA m:ss}, the ETA from
 * the mean time per step so far. Lines, not a redrawn bar, so a log or a pipe reads as well as a
 * terminal. For the commands that print it (to standard error, beside their results on standard
 * output). Not thread-safe: one job, one thread.
 */
public final class StepProgress {
  private final PrintWriter out;
  private final int steps;
  private final long start = System.nanoTime();
  private int done;

  /**
   * @param out where the lines go
   * @param steps how many steps the job has
   */
  public StepProgress(PrintWriter out, int steps) {
    if (steps < 1) {
      throw new IllegalArgumentException("A job has at least one step; got " + steps);
    }
    this.out = out;
    this.steps = steps;
  }

  /** One step finished; {@code what} says which and what it gave. */
  public void step(String what) {
    done++;
    double elapsed = (System.nanoTime() - start) / 1e9;
    double eta = elapsed / done * (steps - done);
    out.printf(Locale.ROOT, "[%d/%d] %s, elapsed %s, ETA %s%n", done, steps, what, clock(elapsed), clock(eta));
    out.flush();
  }

  /** {@code m:ss}, or {@code h:mm:ss} from an hour on: how progress lines show durations. */
  public static String clock(double seconds) {
    long s = Math.round(seconds);
    return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
        : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
  }
}
