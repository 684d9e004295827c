package io.conclave.runtime.resilience;

/**
 * The service refused the call itself (HTTP 4xx other than 408 and 429: a bad request, bad
 * credentials, an unknown model, a prompt over the context length): the same call will fail again.
 * Not retried; the step fails.
 */
public final class CallRejectedException extends RuntimeException implements CallFailure {
  private final int status;

  public CallRejectedException(int status, String message) {
    super(message);
    this.status = status;
  }

  /** The HTTP status of the refusal. */
  public int status() {
    return status;
  }

  @Override
  public boolean retryable() {
    return false;
  }
}
