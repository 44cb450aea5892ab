package io.quantpipe.spark.progress;

import io.quantpipe.report.StepProgress;
import io.quantpipe.spark.stages.Stage;
import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.SparkContext;
import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * The pipeline's progress on the terminal: while a stage runs, one line with the Spark tasks done
 * out of those submitted so far, the rows they read and the rate, the elapsed time and an ETA
 * (from the tasks of the jobs started so far);
 * when it ends, one result line ({@link StageSummary}). On a terminal the progress line is
 * rewritten in place twice a second; otherwise (Airflow logs, pipes) a new line is printed one
 * second into the stage and every ten seconds after, so logs stay readable. Counts come from a
 * {@link SparkListener} on the session, which sees every task the stage's jobs run.
 *
 * <p>Thread-safe: Spark's listener bus and the ticker update atomics; {@link #begin} and
 * {@link #end} are called by the driver thread, one stage at a time.
 */
public final class StageProgress extends SparkListener implements AutoCloseable {
  private static final long PIPE_FIRST_MS = 1_000;
  private static final long PIPE_EVERY_MS = 10_000;

  private final PrintStream out;
  private final boolean terminal;
  private final int stages;
  private final ScheduledExecutorService ticker;
  private final AtomicInteger submitted = new AtomicInteger();
  private final AtomicInteger done = new AtomicInteger();
  private final AtomicLong records = new AtomicLong();
  private volatile String label;
  private volatile long startNanos;
  private volatile long lastPrintNanos;
  private volatile boolean printedInPlace;
  private SparkContext context;

  /**
   * @param out where the lines go (standard output)
   * @param terminal whether {@code out} is a terminal (lines rewritten in place)
   * @param stages how many stages this run has, for the {@code [i/n]} prefix
   */
  public StageProgress(PrintStream out, boolean terminal, int stages) {
    this.out = out;
    this.terminal = terminal;
    this.stages = stages;
    this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "quantpipe-progress");
      t.setDaemon(true);
      return t;
    });
    ticker.scheduleAtFixedRate(this::tick, 250, terminal ? 500 : 250, TimeUnit.MILLISECONDS);
  }

  /** Progress for the terminal this JVM prints to: in place when there is a console, plain lines otherwise. */
  public static StageProgress forStdout(int stages) {
    return new StageProgress(System.out, System.console() != null, stages);
  }

  /** Counts the tasks of {@code spark}'s jobs from now on (a stage without Spark needs none). */
  public void attach(SparkContext spark) {
    if (context == null) {
      context = spark;
      spark.addSparkListener(this);
    }
  }

  /** Stage {@code stage} starts. */
  public synchronized void begin(Stage stage) {
    submitted.set(0);
    done.set(0);
    records.set(0);
    startNanos = System.nanoTime();
    lastPrintNanos = 0;
    label = String.format(Locale.ROOT, "[%d/%d] %-9s", stage.ordinal() + 1, stages, stage.cliName());
  }

  /** The stage ended with {@code record}: its result line. */
  public synchronized void end(Object record) {
    String line = label + " done in " + seconds() + ": " + StageSummary.of(record);
    label = null;
    print(line, false);
  }

  /** The stage failed: its line says so; the caller prints the reason and the CLI names the log file. */
  public synchronized void fail() {
    if (label != null) {
      String line = label + " failed after " + seconds();
      label = null;
      print(line, false);
    }
  }

  @Override
  public void onStageSubmitted(SparkListenerStageSubmitted event) {
    submitted.addAndGet(event.stageInfo().numTasks());
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd event) {
    done.incrementAndGet();
    TaskMetrics m = event.taskMetrics();
    if (m != null) {
      records.addAndGet(m.inputMetrics().recordsRead() + m.shuffleReadMetrics().recordsRead());
    }
  }

  private synchronized void tick() {
    if (label == null) {
      return;
    }
    long now = System.nanoTime();
    long sinceStart = (now - startNanos) / 1_000_000;
    long sincePrint = (now - lastPrintNanos) / 1_000_000;
    if (terminal || (lastPrintNanos == 0 ? sinceStart >= PIPE_FIRST_MS : sincePrint >= PIPE_EVERY_MS)) {
      lastPrintNanos = now;
      print(label + " " + status(sinceStart / 1000.0), terminal);
    }
  }

  private String status(double elapsed) {
    int d = done.get();
    int n = Math.max(d, submitted.get());
    String eta = d == 0 || d >= n ? "-" : StepProgress.clock(elapsed * (n - d) / d);
    long read = records.get();
    // Rows read are counted by Spark for file scans and cached blocks (1,024 vectors each), not for
    // every RDD: shown when there are any, and the result line gives the stage's exact counts.
    String rows = read == 0 ? "" : String.format(Locale.ROOT, ", %,d rows read (%,.0f/s)", read, read / Math.max(elapsed, 1e-3));
    return String.format(Locale.ROOT, "tasks %d/%d%s, elapsed %s, ETA %s", d, n, rows, StepProgress.clock(elapsed), eta);
  }

  private void print(String line, boolean inPlace) {
    if (terminal) {
      out.print("\r\033[2K" + line + (inPlace ? "" : System.lineSeparator()));
      printedInPlace = inPlace;
    } else {
      out.println(line);
    }
    out.flush();
  }

  private String seconds() {
    return String.format(Locale.ROOT, "%.1f s", (System.nanoTime() - startNanos) / 1e9);
  }

  /** Stops the ticker and the listener; idempotent. */
  @Override
  public synchronized void close() {
    ticker.shutdownNow();
    if (context != null) {
      context.removeSparkListener(this);
      context = null;
    }
    if (printedInPlace) {
      out.println();
      printedInPlace = false;
    }
  }
}
