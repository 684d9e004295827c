package io.conclave.model.cluster;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The circuit breakers of every worker as they last reported on conclave.agent-health: the fold of
 * its {@link BreakerStateChanged} records by key, a tombstone (a worker that stopped) removing its
 * key. An agent type is {@linkplain #unavailable unavailable} when at least one breaker was
 * reported for it and every one of them is open: a command sent to it would only fail. A half-open
 * breaker takes a probe, so it makes its type available.
 *
 * <p>Immutable: {@link #with} and {@link #without} return a new board. A worker that died without a
 * tombstone keeps its last report; while it said OPEN it counts, so a type whose only live workers
 * are closed is available anyway.
 */
public final class BreakerBoard {
  /** No breaker reported. */
  public static final BreakerBoard EMPTY = new BreakerBoard(Map.of());

  private final Map<String, BreakerStateChanged> byKey;

  private BreakerBoard(Map<String, BreakerStateChanged> byKey) {
    this.byKey = Map.copyOf(byKey);
  }

  /** The board once {@code report} is its key's latest. */
  public BreakerBoard with(BreakerStateChanged report) {
    Objects.requireNonNull(report, "report");
    Map<String, BreakerStateChanged> next = new HashMap<>(byKey);
    next.put(report.key(), report);
    return new BreakerBoard(next);
  }

  /** The board once the breaker of {@code key} is gone (its worker stopped). */
  public BreakerBoard without(String key) {
    if (!byKey.containsKey(key)) {
      return this;
    }
    Map<String, BreakerStateChanged> next = new HashMap<>(byKey);
    next.remove(key);
    return new BreakerBoard(next);
  }

  /** Whether every breaker reported for {@code agentType} is open; false if none was reported. */
  public boolean unavailable(String agentType) {
    boolean any = false;
    for (BreakerStateChanged b : byKey.values()) {
      if (b.agentTypes().contains(agentType)) {
        if (b.to() != BreakerStateChanged.State.OPEN) {
          return false;
        }
        any = true;
      }
    }
    return any;
  }

  @Override
  public String toString() {
    return "BreakerBoard" + byKey.values();
  }
}
