package io.quantpipe.storage;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.AccessDeniedException;
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
    if (has(e, AccessDeniedException.class) || text(e).contains("SignatureDoesNotMatch")
        || text(e).contains("InvalidAccessKeyId") || text(e).contains("403")) {
      return "the credentials were rejected (check fs.s3a.access.key/secret.key or the environment's AWS credentials)";
    } else if (text(e).contains("NoSuchBucket") || text(e).contains("does not exist")
        || e.getClass().getSimpleName().equals("UnknownStoreException") || has(e, FileNotFoundException.class)) {
      return "the bucket does not exist";
    } else if (has(e, ConnectException.class) || has(e, UnknownHostException.class)
        || has(e, SocketTimeoutException.class) || text(e).contains("Unable to execute HTTP request")
        || text(e).contains("Connection refused")) {
      return "the endpoint is unreachable (check fs.s3a.endpoint and the network)";
    }
    return null;
  }

  /** The exception's class and the first line of its message. */
  public static String firstLine(Throwable e) {
    String m = String.valueOf(e.getMessage());
    int nl = m.indexOf('\n');
    return e.getClass().getSimpleName() + ": " + (nl < 0 ? m : m.substring(0, nl));
  }

  private static boolean has(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t) || t.getClass().getSimpleName().equals(type.getSimpleName())) {
        return true;
      }
    }
    return false;
  }

  private static String text(Throwable e) {
    StringBuilder sb = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      sb.append(t.getClass().getName()).append(": ").append(t.getMessage()).append('\n');
    }
    return sb.toString();
  }
}
