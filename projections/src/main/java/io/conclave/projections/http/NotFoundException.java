package io.conclave.projections.http;

/** The thing asked for does not exist (yet). */
public final class NotFoundException extends RuntimeException {
  public NotFoundException(String message) {
    super(message);
  }
}
