package io.conclave.runtime.resilience;

/**
 * The service answered success with a body that is not what its protocol promises (not JSON, no
 * answer in it): a defect of the service or of what stands before it, not worth asking again. Not
 * retryable.
 */
public final class MalformedAnswerException extends RuntimeException implements CallFailure {
  public MalformedAnswerException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public boolean retryable() {
    return false;
  }
}
