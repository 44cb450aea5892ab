package io.quantpipe.flink.record;

/** An input record that is not a valid insert or delete; the message says which field and why. */
public final class MalformedRecordException extends Exception {
  public MalformedRecordException(String reason) {
    super(reason);
  }
}
