package io.quantpipe.storage;

import java.io.IOException;
import java.util.function.Supplier;
import org.apache.hadoop.conf.Configuration;

/**
 * Work on an index root stopped because its store failed (stopped answering, or refused the
 * credentials) after the file system's own retries. The message names the root, the problem, the
 * retry settings that ran out and what the failure left behind, so that the user can tell a storage
 * outage from a bug at a glance.
 */
public final class StorageFailureException extends IOException {
  private static final long serialVersionUID = 1L;
  /** S3A's retry settings, quoted in the message with their values (or "default"). */
  private static final String[] S3A_RETRIES = {"fs.s3a.retry.limit", "fs.s3a.retry.interval", "fs.s3a.attempts.maximum"};

  private final StorageProblem problem;

  private StorageFailureException(String message, StorageProblem problem, Throwable cause) {
    super(message, cause);
    this.problem = problem;
  }

  /** Which problem it was. */
  public StorageProblem problem() {
    return problem;
  }

  /**
   * The storage failure {@code cause} reports, or null when it is not one (a bug, bad input, a
   * missing file: those keep their own messages).
   *
   * @param during what was being done, e.g. "Stage 'encode' of run 'r-1'"
   * @param consequence what the failure leaves behind, e.g. "Nothing was published"; asked only for
   *     a storage failure
   */
  public static StorageFailureException of(String during, String rootUri, Configuration conf,
      Supplier<String> consequence, Throwable cause) {
    if (cause instanceof StorageFailureException already) {
      return already;
    }
    StorageProblem problem = StorageProblem.of(cause);
    if (problem != StorageProblem.UNREACHABLE && problem != StorageProblem.CREDENTIALS) {
      return null; // NO_BUCKET also matches any missing file: not a storage failure by itself
    }
    StringBuilder m = new StringBuilder(during).append(" failed on storage ").append(rootUri).append(": ")
        .append(problem.explanation());
    if (rootUri.startsWith("s3a:")) {
      m.append(", after S3A's retries (");
      for (int i = 0; i < S3A_RETRIES.length; i++) {
        String value = conf.get(S3A_RETRIES[i]);
        m.append(i == 0 ? "" : ", ").append(S3A_RETRIES[i]).append('=').append(value == null ? "default" : value);
      }
      m.append(')');
    }
    m.append(". ").append(consequence.get()).append(". Cause: ").append(StorageCheck.firstLine(deepest(cause)));
    return new StorageFailureException(m.toString(), problem, cause);
  }

  /** The root cause names the failed request; the wrappers above it (Spark's job abort) do not. */
  private static Throwable deepest(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t;
  }
}
