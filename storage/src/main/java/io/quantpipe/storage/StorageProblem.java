package io.quantpipe.storage;

import java.io.FileNotFoundException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.AccessDeniedException;

/**
 * What went wrong with a store, read from a file system's exception chain: the kinds a user can
 * act on, each with a one-line explanation that says what to check. S3A reports them in several
 * shapes (its own exceptions, the SDK's, Spark's wrapping of a task's failure), so the chain's
 * classes and messages are both read.
 */
public enum StorageProblem {
  /** The store refused the credentials. */
  CREDENTIALS("the credentials were rejected (check fs.s3a.access.key/secret.key or the environment's AWS credentials)"),
  /** The bucket is not there. */
  NO_BUCKET("the bucket does not exist"),
  /** Nothing answered at the endpoint, or it stopped answering. */
  UNREACHABLE("the endpoint is unreachable (check fs.s3a.endpoint and the network)");

  private final String explanation;

  StorageProblem(String explanation) {
    this.explanation = explanation;
  }

  /** The one-line explanation, in lower case, to follow "Cannot write X: ". */
  public String explanation() {
    return explanation;
  }

  /** The problem {@code e} reports, or null when it is none of these. */
  public static StorageProblem of(Throwable e) {
    String text = text(e);
    if (has(e, AccessDeniedException.class) || text.contains("SignatureDoesNotMatch")
        // The status as the SDK and HTTP print it, not a bare "403": a run id or a version number may hold those digits.
        || text.contains("InvalidAccessKeyId") || text.contains("Status Code: 403") || text.contains("403 Forbidden")) {
      return CREDENTIALS;
    } else if (text.contains("NoSuchBucket") || text.contains("does not exist")
        || e.getClass().getSimpleName().equals("UnknownStoreException") || has(e, FileNotFoundException.class)) {
      return NO_BUCKET;
    } else if (has(e, ConnectException.class) || has(e, UnknownHostException.class)
        || has(e, SocketTimeoutException.class) || text.contains("Unable to execute HTTP request")
        || text.contains("Connection refused")) {
      return UNREACHABLE;
    }
    return null;
  }

  /** By simple name too: Spark hands a task's exception back rebuilt, sometimes as another class. */
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
