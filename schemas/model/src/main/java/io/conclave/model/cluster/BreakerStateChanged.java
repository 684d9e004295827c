package io.conclave.model.cluster;

import io.conclave.model.Require;
import java.time.Instant;
import java.util.List;

/**
 * A circuit breaker of a worker process changed state, or was registered ({@code from == to ==
 * CLOSED} when the worker starts). On the compacted conclave.agent-health, keyed by {@link #key()}:
 * the latest state of each breaker of each worker; a tombstone (null value) under the key when the
 * worker stopped cleanly.
 *
 * @param breaker what it protects, for whom, e.g. {@code model:gpt-4o-mini/research} (a worker has
 *     one breaker per model endpoint and agent type)
 * @param worker the worker process ({@code host-pid})
 * @param agentTypes the agent types whose calls go through the breaker: a worker's model breakers
 *     each have one
 */
public record BreakerStateChanged(
    String breaker, String worker, List<String> agentTypes, State from, State to, Instant at) {
  /** A breaker's states, as Failsafe names them. */
  public enum State {
    CLOSED,
    OPEN,
    HALF_OPEN
  }

  public BreakerStateChanged {
    Require.text(breaker, "breaker");
    Require.text(worker, "worker");
    agentTypes = List.copyOf(Require.present(agentTypes, "agentTypes"));
    Require.present(from, "from");
    Require.present(to, "to");
    Require.present(at, "at");
  }

  /** The record key: one entry per breaker per worker. */
  public String key() {
    return worker + "/" + breaker;
  }
}
