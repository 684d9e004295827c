package io.conclave.runtime.logging;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.MDC;

/**
 * The fields a log line carries about the work it was written during (SLF4J's MDC), set around the
 * handling of one record: every line written meanwhile on that thread, an agent's own included,
 * says which saga, task, agent, step, shard and epoch it was about. In JSON ({@code
 * CONCLAVE_LOG_FORMAT=json}) they are the line's {@code mdc} object.
 *
 * <pre>{@code
 * try (var fields = LogContext.open().with(Field.SAGA, sagaId).with(Field.STEP, 2)) {
 *   ... // log lines here carry saga and step
 * }
 * }</pre>
 *
 * Closing it restores what the fields held before, so contexts nest. Not thread-safe: one thread
 * opens and closes it, as the MDC is the thread's.
 */
public final class LogContext implements AutoCloseable {
  /** The MDC keys Conclave sets, named by {@link #key()}. */
  public enum Field {
    SAGA,
    TASK,
    AGENT,
    STEP,
    SHARD,
    EPOCH;

    /** The MDC key: the field's name in lower case ({@code saga}, {@code task}, ...). */
    public String key() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** What each field set here held before, to restore on close. */
  private record Previous(String key, String value) {}

  private final List<Previous> previous = new ArrayList<>(Field.values().length);

  private LogContext() {}

  /** A context that sets nothing yet. */
  public static LogContext open() {
    return new LogContext();
  }

  /**
   * Sets {@code field} to {@code value} until {@link #close()}; a null value leaves it as it is.
   */
  public LogContext with(Field field, Object value) {
    if (value != null) {
      previous.add(new Previous(field.key(), MDC.get(field.key())));
      MDC.put(field.key(), value.toString());
    }
    return this;
  }

  /** Restores the fields set here to what they held before, in reverse order. */
  @Override
  public void close() {
    for (int i = previous.size() - 1; i >= 0; i--) {
      Previous p = previous.get(i);
      if (p.value() == null) {
        MDC.remove(p.key());
      } else {
        MDC.put(p.key(), p.value());
      }
    }
    previous.clear();
  }
}
