package io.conclave.projections.sagas;

import io.conclave.model.saga.SagaState;
import io.conclave.projections.http.StrictJson;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * Query of {@code GET /sagas}: {@code status} (any case; default: every status), {@code limit}
 * (default {@value #DEFAULT_LIMIT}, at most {@value #MAX_LIMIT}: a larger one is capped).
 */
public record SagaQuery(Optional<SagaState.Status> status, int limit) {
  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 1000;

  /**
   * From the raw query parameters (each may be null). @throws IllegalArgumentException naming what
   * is wrong
   */
  public static SagaQuery parse(String status, String limit) {
    Long n = StrictJson.optionalLong("limit", limit);
    if (n != null && n < 1) {
      throw new IllegalArgumentException("limit must be >= 1, was " + n);
    }
    return new SagaQuery(status(status), n == null ? DEFAULT_LIMIT : (int) Math.min(n, MAX_LIMIT));
  }

  /** The query as {@link #parse} reads it back: {@code status=...&limit=...}. */
  public String parameters() {
    return status.map(s -> "status=" + s.name() + "&").orElse("") + "limit=" + limit;
  }

  public boolean matches(SagaState saga) {
    return status.map(s -> s == saga.status()).orElse(true);
  }

  private static Optional<SagaState.Status> status(String text) {
    if (text == null || text.isBlank()) {
      return Optional.empty();
    }
    try {
      return Optional.of(SagaState.Status.valueOf(text.trim().toUpperCase(Locale.ROOT)));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "status must be one of "
              + String.join(
                  ", ",
                  Arrays.stream(SagaState.Status.values())
                      .map(s -> s.name().toLowerCase(Locale.ROOT))
                      .toList())
              + "; was '"
              + text
              + "'");
    }
  }
}
