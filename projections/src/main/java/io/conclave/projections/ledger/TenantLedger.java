package io.conclave.projections.ledger;

import io.conclave.model.saga.SagaState;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.util.Map;
import java.util.Optional;

/**
 * What a tenant's sagas spent on model calls: the tokens and cost their settled steps report
 * ({@code StepCompleted}/{@code StepFailed}, the figures the tenant's budget is kept with), summed
 * over its sagas. A projection of the saga events, not records written with every step.
 * Compensations carry no figures in the saga events, so their calls are in their agents' ledgers
 * ({@link AgentLedger}) but not in the tenant's. Immutable.
 *
 * @param tenant who the sagas are charged to
 * @param tokens the tokens the settled steps spent, every attempt's calls included
 * @param costMicros what those calls cost, in micro-units of currency
 * @param steps how many settled steps were counted
 */
@Serdeable
public record TenantLedger(String tenant, long tokens, long costMicros, long steps) {
  /** This ledger with {@code more} of the same tenant added. */
  public TenantLedger plus(TenantLedger more) {
    return new TenantLedger(
        tenant, tokens + more.tokens, costMicros + more.costMicros, steps + more.steps);
  }

  /**
   * What the steps that settled between {@code before} and {@code after} (one saga event folded)
   * spent, if any did. A step's spending is recorded once, when it first settles ({@code
   * Spending.withStep}), so a redelivered event adds nothing. A saga whose start was not folded (a
   * rebuild from an offset after it) has no known tenant and is not counted.
   *
   * @param before the saga before the event; null: nothing was known of it
   * @param after the saga after the event
   */
  public static Optional<TenantLedger> settled(@Nullable SagaState before, SagaState after) {
    if (after.startedAt() == null) {
      return Optional.empty();
    }
    Map<Integer, Long> known = before == null ? Map.of() : before.spending().tokens();
    long tokens = 0;
    long cost = 0;
    long steps = 0;
    for (Map.Entry<Integer, Long> step : after.spending().tokens().entrySet()) {
      if (!known.containsKey(step.getKey())) {
        tokens += step.getValue();
        cost += after.spending().costMicros().getOrDefault(step.getKey(), 0L);
        steps++;
      }
    }
    return steps == 0
        ? Optional.empty()
        : Optional.of(new TenantLedger(after.spending().tenant(), tokens, cost, steps));
  }
}
