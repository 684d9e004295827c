package io.conclave.worker.remote;

/**
 * A remote agent failed in a way that may pass (it answered 5xx, could not be reached, did not
 * answer in time): like any {@link RuntimeException} of an agent, the step is retried with its
 * backoff, then fails and its saga compensates. Deliberately not a {@code CallFailure}, which would
 * fail the step at once.
 */
public final class RemoteAgentException extends RuntimeException {
  public RemoteAgentException(String message, Throwable cause) {
    super(message, cause);
  }
}
