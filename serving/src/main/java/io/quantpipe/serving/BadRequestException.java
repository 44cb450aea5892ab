package io.quantpipe.serving;

/**
 * A request the node refuses with {@code 400 Bad Request}: the message names the field and says
 * what was wrong with its value, and is returned to the client as {@code {"error": message}}.
 */
public final class BadRequestException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public BadRequestException(String message) {
    super(message);
  }
}
