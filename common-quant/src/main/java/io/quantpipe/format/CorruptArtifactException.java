package io.quantpipe.format;

import java.io.IOException;

/**
 * An artifact that a reader refuses: wrong magic, a newer format version, a checksum mismatch, a
 * truncated or malformed payload, or data that does not match what the caller expects (dimension,
 * metric, quantizer). The message names the resource, and the expected and found values.
 */
public final class CorruptArtifactException extends IOException {
  public CorruptArtifactException(String resource, String reason) {
    super(resource + ": " + reason);
  }

  public CorruptArtifactException(String resource, String reason, Throwable cause) {
    super(resource + ": " + reason, cause);
  }
}
