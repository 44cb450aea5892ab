package io.quantpipe.storage;

/**
 * A publish that {@link VersionCatalog} refused because the pointer moved during the run in a way
 * the run must not overwrite: a rollback, or a newer version made current. The message names the
 * version, the root and what happened; the refused version stays complete on storage.
 */
public final class ConcurrentPublishException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  public ConcurrentPublishException(String message) {
    super(message);
  }
}
