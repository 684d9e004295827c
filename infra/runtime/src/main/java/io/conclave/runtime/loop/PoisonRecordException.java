package io.conclave.runtime.loop;

/** A record that can never be handled, however often it is retried: it goes to the dead-letter topic. */
public class PoisonRecordException extends RuntimeException {
  public PoisonRecordException(String message) {
    super(message);
  }

  public PoisonRecordException(String message, Throwable cause) {
    super(message, cause);
  }
}
