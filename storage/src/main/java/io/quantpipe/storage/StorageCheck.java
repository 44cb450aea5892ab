package io.quantpipe.storage;

import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Fails fast, before any compute, when the output cannot be written: it writes and deletes a small
 * probe object under the root with retries turned down, and turns the file system's exception into
 * a message that says which of wrong credentials, a missing bucket or an unreachable endpoint it
 * was. Stateless.
 */
public final class StorageCheck {
  private StorageCheck() {}

  /** Throws {@link IllegalStateException} naming the problem when {@code rootUri} is not writable. */
  public static void checkWritable(String rootUri, Configuration base) {
    Configuration conf = new Configuration(base);
    // A probe should answer in seconds: S3A's defaults retry an unreachable endpoint for minutes.
    conf.set("fs.s3a.attempts.maximum", "1");
    conf.set("fs.s3a.retry.limit", "1");
    conf.set("fs.s3a.retry.interval", "100ms");
    conf.set("fs.s3a.connection.establish.timeout", "5s");
    conf.set("fs.s3a.connection.timeout", "10s");
    Path root = new Path(rootUri);
    Path probe = new Path(root, "_quantpipe-write-probe-" + java.util.UUID.randomUUID());
    FileSystem fs = null;
    try {
      fs = FileSystem.newInstance(root.toUri(), conf);
      try (var out = fs.create(probe, true)) {
        out.write('p');
      }
      fs.delete(probe, false);
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException(explain(rootUri, e), e);
    } finally {
      if (fs != null) {
        try {
          fs.close();
        } catch (IOException ignored) {
          // the probe's own instance: nothing else uses it
        }
      }
    }
  }

  static String explain(String rootUri, Throwable e) {
    String what = diagnose(e);
    return "Cannot write the output " + rootUri + ": " + (what == null ? "the store refused a test write" : what)
        + ". Nothing was computed. Cause: " + firstLine(e);
  }

  /**
   * What a file system's exception says went wrong, for a one-line message: rejected credentials, a
   * missing bucket or an unreachable endpoint; {@code null} when it is none of those. Readers of an
   * index root ({@code bin/quantpipe stats}) use it too, so reads and writes explain alike.
   */
  public static String diagnose(Throwable e) {
    StorageProblem problem = StorageProblem.of(e);
    return problem == null ? null : problem.explanation();
  }

  /** The exception's class and the first line of its message. */
  public static String firstLine(Throwable e) {
    String m = String.valueOf(e.getMessage());
    int nl = m.indexOf('\n');
    return e.getClass().getSimpleName() + ": " + (nl < 0 ? m : m.substring(0, nl));
  }
}
