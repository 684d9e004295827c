package io.conclave.projections.http;

/**
 * A submission could not be written to Kafka (broker or registry unreachable): nothing was
 * accepted.
 */
public final class SubmissionFailedException extends RuntimeException {
  public SubmissionFailedException(String message, Throwable cause) {
    super(message, cause);
  }
}
