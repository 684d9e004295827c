package io.conclave.projections.http;

/** The request does not fit the current state of what it is about (409); the message says how. */
public class ConflictException extends RuntimeException {
  public ConflictException(String message) {
    super(message);
  }
}
