package io.quantpipe.serving;

/**
 * A request the node cannot carry out in its current state (HTTP 409): another benchmark runs, or
 * the served version lacks what the request needs. The message says which.
 */
final class ConflictException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  ConflictException(String message) {
    super(message);
  }
}
