package io.quantpipe.vector;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A vector file that cannot be used as it is: the message names the file, the record (0-based)
 * when one is at fault, and the reason, so a user can find the bad bytes.
 */
public final class VectorFileException extends IOException {
  private final Path file;
  private final long record;

  /** @param record the 0-based record at fault, or −1 when the file as a whole is at fault */
  public VectorFileException(Path file, long record, String reason) {
    super(file + (record >= 0 ? ": record " + record : "") + ": " + reason);
    this.file = file;
    this.record = record;
  }

  public Path file() {
    return file;
  }

  /** The 0-based record at fault, or −1 when the file as a whole is at fault. */
  public long record() {
    return record;
  }
}
