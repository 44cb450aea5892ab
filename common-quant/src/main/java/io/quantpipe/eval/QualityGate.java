package io.quantpipe.eval;

import java.util.ArrayList;
import java.util.List;

/**
 * The floors a built index must reach before it is published: recall@k on the held-out queries
 * and the compression ratio (float32 bytes over bytes held in memory per vector). The pipeline's
 * {@code gate} stage applies it after {@code evaluate}; a failed gate stops the run before
 * {@code publish}, so the previous version stays current.
 *
 * <p>Immutable and thread-safe.
 *
 * @param minRecall recall@k must be at least this (0 disables the check)
 * @param minCompression the compression ratio must be at least this (1 disables it: float32 is 1)
 */
public record QualityGate(double minRecall, double minCompression) {
  public QualityGate {
    if (!(minRecall >= 0 && minRecall <= 1)) {
      throw new IllegalArgumentException("The recall floor must be within [0, 1]; got " + minRecall);
    }
    if (!(minCompression >= 1)) {
      throw new IllegalArgumentException("The compression floor must be at least 1; got " + minCompression);
    }
  }

  /** One figure against its floor. */
  public record Check(String figure, double value, double floor, boolean passed) {
    /** A line for the log and the error message, e.g. {@code recall@10 0.8120 < floor 0.9000}. */
    public String describe() {
      return String.format(java.util.Locale.ROOT, "%s %.4f %s floor %.4f", figure, value, passed ? ">=" : "<", floor);
    }
  }

  /** What the gate decided, with every check (passed or not) for the record. */
  public record Verdict(boolean passed, List<Check> checks) {
    public Verdict {
      checks = List.copyOf(checks);
    }

    /** The failed checks, joined for a message; empty when the gate passed. */
    public String failures() {
      List<String> out = new ArrayList<>();
      for (Check c : checks) {
        if (!c.passed()) {
          out.add(c.describe());
        }
      }
      return String.join("; ", out);
    }
  }

  /**
   * Judges an evaluated index.
   *
   * @param k the k of {@code recallAtK}, for the record
   * @param recallAtK mean recall@k on the held-out queries
   * @param compression the compression ratio
   */
  public Verdict judge(int k, double recallAtK, double compression) {
    // NaN never passes: a figure that could not be measured is not good enough to publish.
    Check recall = new Check("recall@" + k, recallAtK, minRecall, recallAtK >= minRecall);
    Check ratio = new Check("compression", compression, minCompression, compression >= minCompression);
    return new Verdict(recall.passed() && ratio.passed(), List.of(recall, ratio));
  }
}
