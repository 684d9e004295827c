package io.conclave.schemas;

import java.util.Optional;
import org.apache.kafka.common.errors.RetriableException;

/**
 * The schema registry did not answer: it refused the connection, answered with a server error, or
 * took longer than {@link RegistrySettings#requestTimeout()}. Nothing about the record is wrong, so
 * it is retried, never dead-lettered: a loop aborts its transaction and takes the partition over
 * again, an HTTP write answers 503.
 *
 * <p>A Kafka {@link RetriableException}, so code that already retries what Kafka calls retriable
 * retries this too.
 */
public final class SchemaRegistryUnavailableException extends RetriableException {
  private static final long serialVersionUID = 1L;

  public SchemaRegistryUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * Throws this exception if it is among {@code e}'s causes. For code that skips or dead-letters
   * what it cannot read: a record read while the registry is away is not unreadable, and skipping
   * it would lose it.
   */
  public static void rethrowIfIn(Throwable e) {
    Optional<SchemaRegistryUnavailableException> away = in(e);
    if (away.isPresent()) {
      throw away.get();
    }
  }

  /** This exception in {@code e}'s causes, however a serde wrapped it. */
  public static Optional<SchemaRegistryUnavailableException> in(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SchemaRegistryUnavailableException u) {
        return Optional.of(u);
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return Optional.empty();
  }
}
