package io.conclave.runtime.loop;

import io.conclave.model.MissingFieldException;
import java.util.function.Supplier;

/**
 * A record that can never be handled, however often it is retried: it goes to the dead-letter
 * topic, and the loop carries on with the next record. It is the only exception that dead-letters a
 * record a {@link PartitionHandler} was given.
 *
 * <p>Domain code says that a value breaks one of its rules with an {@link
 * IllegalArgumentException}, or that it lacks a required field with a {@link MissingFieldException}
 * (the checks of the domain records). Where a handler reads a record's content into the domain
 * (decodes it, asks a decider, a planner or an agent about it), it turns that rejection into this
 * exception with {@link #rejected} or {@link #ifRejected}: the record is malformed. The same
 * exceptions thrown anywhere else, and any other {@link NullPointerException}, are bugs: they stop
 * the loop rather than dead-letter work.
 */
public class PoisonRecordException extends RuntimeException {
  /** Whether this wraps the domain's rejection, which the dead letter then reports as it was. */
  private final boolean wrapsRejection;

  public PoisonRecordException(String message) {
    super(message);
    this.wrapsRejection = false;
  }

  public PoisonRecordException(String message, Throwable cause) {
    super(message, cause);
    this.wrapsRejection = false;
  }

  private PoisonRecordException(RuntimeException rejection) {
    super(rejection.getMessage(), rejection);
    this.wrapsRejection = true;
  }

  /**
   * The domain rejected the record's content with {@code rejection} (an {@link
   * IllegalArgumentException}, or a {@link MissingFieldException} for a missing required field):
   * the record is poison. Its dead letter names {@code rejection}'s class and message, as if the
   * handler had thrown it.
   */
  public static PoisonRecordException rejected(RuntimeException rejection) {
    return new PoisonRecordException(rejection);
  }

  /**
   * Runs {@code read}, which reads a record's content into the domain: if the domain rejects that
   * content (an {@link IllegalArgumentException}, or a {@link MissingFieldException} for a required
   * field), the record is poison. Any other {@link NullPointerException} is a bug and goes up as it
   * is.
   *
   * @throws PoisonRecordException {@link #rejected} with the domain's rejection
   */
  public static <T> T ifRejected(Supplier<T> read) {
    try {
      return read.get();
    } catch (IllegalArgumentException | MissingFieldException e) {
      throw rejected(e);
    }
  }

  /**
   * What the record's dead letter reports: the domain's rejection this wraps, else this exception.
   */
  public RuntimeException reported() {
    return wrapsRejection ? (RuntimeException) getCause() : this;
  }
}
