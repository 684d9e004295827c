package io.conclave.worker;

import io.conclave.agent.Knowledge;
import io.conclave.model.crdt.Crdt;
import io.conclave.model.crdt.HybridClock;
import io.conclave.models.CallLedger;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * What a step's {@link Knowledge} needs beyond the agent's log: the worker's clock for the stamps
 * of its writes, the other agents' knowledge as the worker has observed it, and the call ledger's
 * rules (prices, whether bodies are kept).
 *
 * @param clock stamps the knowledge writes of every agent instance the worker runs
 * @param observed a key's merged state as observed, if any
 * @param ledger prices and budgets of model calls
 */
record KnowledgeAccess(
    HybridClock clock, Function<String, Optional<Crdt>> observed, CallLedger ledger) {
  KnowledgeAccess {
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(observed, "observed");
    Objects.requireNonNull(ledger, "ledger");
  }

  /**
   * Knowledge of the agent instance's own updates only, on {@code clock}; calls free and
   * unbudgeted.
   */
  static KnowledgeAccess ownOnly(Clock clock) {
    return new KnowledgeAccess(new HybridClock(clock), key -> Optional.empty(), CallLedger.FREE);
  }
}
