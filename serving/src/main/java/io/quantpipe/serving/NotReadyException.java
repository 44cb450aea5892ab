package io.quantpipe.serving;

/**
 * No version can answer yet (nothing published, storage unreachable, every version refused): the
 * node answers {@code 503 Service Unavailable} with the reason, and keeps retrying.
 */
public final class NotReadyException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public NotReadyException(String reason) {
    super(reason);
  }
}
