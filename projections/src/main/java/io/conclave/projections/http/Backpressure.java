package io.conclave.projections.http;

import io.conclave.runtime.env.EnvironmentLookup;
import io.conclave.runtime.env.Setting;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * When the HTTP API refuses new work: once the backlog waiting for Conclave's consumers is over
 * {@link #maxBacklog}, a submission ({@code POST /tasks}, {@code POST /sagas}) is answered 503 with
 * a {@code Retry-After} and nothing is written. The decision is {@link #decide}, pure; {@link
 * BacklogMonitor} measures the backlog. Immutable.
 *
 * @param maxBacklog the most records that may wait before submissions are refused ({@code
 *     conclave.api.max-backlog}, default 5000); 0: never refused, and the backlog is not measured
 * @param refresh how often the backlog is measured ({@code conclave.api.backlog-refresh-ms},
 *     default 1000): a submission never waits on Kafka for it, it reads the last measure
 */
public record Backpressure(long maxBacklog, Duration refresh) {
  public static final long DEFAULT_MAX_BACKLOG = 5000;
  public static final long DEFAULT_REFRESH_MS = 1000;

  /** The longest {@code Retry-After} a refusal asks for. */
  static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(30);

  private static final Setting MAX_BACKLOG =
      Setting.of("conclave.api.max-backlog", "CONCLAVE_API_MAX_BACKLOG", DEFAULT_MAX_BACKLOG);
  private static final Setting REFRESH =
      Setting.of(
          "conclave.api.backlog-refresh-ms", "CONCLAVE_API_BACKLOG_REFRESH_MS", DEFAULT_REFRESH_MS);

  /** The settings read here. */
  public static final List<Setting> SETTINGS = List.of(MAX_BACKLOG, REFRESH);

  public Backpressure {
    Objects.requireNonNull(refresh, "refresh");
    if (maxBacklog < 0) {
      throw new IllegalArgumentException(
          MAX_BACKLOG.names() + " must be >= 0 (0: unbounded), was " + maxBacklog);
    }
    if (refresh.toMillis() < 1) {
      throw new IllegalArgumentException(
          REFRESH.names() + " must be positive, was " + refresh.toMillis());
    }
  }

  public static Backpressure from(EnvironmentLookup lookup) {
    return new Backpressure(lookup.integer(MAX_BACKLOG), lookup.millis(REFRESH));
  }

  /** Whether there is a bound at all: with none, the backlog need not be measured. */
  boolean bounded() {
    return maxBacklog > 0;
  }

  /** The backlog as last measured. */
  sealed interface Backlog {
    /** {@code records} wait for Conclave's consumers. */
    record Known(long records) implements Backlog {
      public Known {
        if (records < 0) {
          throw new IllegalArgumentException("a backlog is >= 0 records, was " + records);
        }
      }
    }

    /** Not measured (yet), or it could not be: never a reason to refuse work. */
    record Unknown() implements Backlog {}
  }

  /** What becomes of a submission. */
  sealed interface Admission {
    record Accept() implements Admission {}

    /**
     * Refused, nothing written.
     *
     * @param retryAfter when to submit again, in whole seconds
     * @param reason why, for the client: the backlog and the bound
     */
    record Refuse(Duration retryAfter, String reason) implements Admission {}
  }

  /**
   * Refuses a submission when the backlog is known and over the bound, else accepts it. The {@code
   * Retry-After} of a refusal grows with the overload: as many seconds as the backlog is times the
   * bound (rounded up), never sooner than the next measure, at most {@link #MAX_RETRY_AFTER}.
   */
  Admission decide(Backlog backlog) {
    if (!bounded() || !(backlog instanceof Backlog.Known known) || known.records() <= maxBacklog) {
      return new Admission.Accept();
    }
    long times = (known.records() + maxBacklog - 1) / maxBacklog;
    long nextMeasure = (refresh.toMillis() + 999) / 1000;
    long seconds = Math.min(MAX_RETRY_AFTER.toSeconds(), Math.max(times, Math.max(1, nextMeasure)));
    return new Admission.Refuse(
        Duration.ofSeconds(seconds),
        "Conclave is behind: "
            + known.records()
            + " records wait for its consumers, over the bound of "
            + maxBacklog
            + " (conclave.api.max-backlog); nothing was written, retry in "
            + seconds
            + " s");
  }
}
