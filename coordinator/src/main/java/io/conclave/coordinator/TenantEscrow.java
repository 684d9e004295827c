package io.conclave.coordinator;

import io.conclave.model.saga.SagaState;
import io.conclave.model.saga.Spending;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * One shard leader's share of every tenant's token budget, and what the shard's sagas hold of it:
 * an escrow (a bounded counter split between the shards). Each shard holds {@code 1/shards} of a
 * tenant's budget; a saga starting on the shard sets aside its allowance from that share, and when
 * it ends it gives back what it did not spend. A leader grants only from its own share, so no two
 * leaders can grant the same tokens, and no round trip between shards is needed. The state is a
 * fold of the shard's saga events (a saga's start carries its allowance, its steps' outcomes what
 * they spent), so a new leader rebuilds it exactly.
 *
 * <p>The price of no coordination: a tenant whose sagas crowd one shard is refused there while
 * other shards still hold part of its budget. Not thread-safe: the shard's loop thread owns it.
 */
final class TenantEscrow {
  private final TokenBudgets budgets;
  private final int shard;
  private final int shards;

  /** Per running saga with a tenant budget: its tenant and allowance. */
  private final Map<String, Spending> holding = new HashMap<>();

  /** Per tenant: what the shard's running sagas hold plus what its ended sagas spent. */
  private final Map<String, Long> committed = new HashMap<>();

  /**
   * Per tenant: what the shard's ended sagas spent (a checkpoint keeps it; the running sagas' holds
   * are refolded).
   */
  private final Map<String, Long> endedSpent = new HashMap<>();

  TenantEscrow(TokenBudgets budgets, int shard, int shards) {
    if (shards < 1 || shard < 0 || shard >= shards) {
      throw new IllegalArgumentException("shard " + shard + " of " + shards);
    }
    this.budgets = budgets;
    this.shard = shard;
    this.shards = shards;
  }

  /** Whether a saga may start, and with what budget. */
  sealed interface Grant {
    /** The saga starts with {@code spending}: its tenant and allowance. */
    record Granted(Spending spending) implements Grant {}

    /** The saga does not start: its tenant's share on this shard is spent. */
    record Refused(String reason) implements Grant {}
  }

  /** This shard's share of {@code tenant}'s budget, if it has one. */
  OptionalLong share(String tenant) {
    OptionalLong budget = budgets.tenant(tenant);
    if (budget.isEmpty()) {
      return budget;
    }
    long total = budget.getAsLong();
    return OptionalLong.of(total / shards + (shard < total % shards ? 1 : 0));
  }

  /** What {@code tenant}'s share on this shard still has to grant. */
  OptionalLong available(String tenant) {
    OptionalLong share = share(tenant);
    return share.isEmpty()
        ? share
        : OptionalLong.of(share.getAsLong() - committed.getOrDefault(tenant, 0L));
  }

  /** The budget a new saga of {@code tenant} gets (it is set aside once its start is folded in). */
  Grant grant(String tenant) {
    OptionalLong available = available(tenant);
    if (available.isEmpty()) {
      return new Grant.Granted(
          budgets.sagaTokens().isPresent()
              ? Spending.limited(tenant, budgets.sagaTokens().getAsLong())
              : Spending.unlimited(tenant));
    }
    if (available.getAsLong() <= 0) {
      return new Grant.Refused(
          "tenant "
              + tenant
              + " has no tokens left to grant on shard "
              + shard
              + ": its share "
              + "of "
              + share(tenant).getAsLong()
              + " of its budget of "
              + budgets.tenant(tenant).getAsLong()
              + " tokens is spent or held by running sagas");
    }
    return new Grant.Granted(
        Spending.limited(
            tenant, Math.min(budgets.sagaTokens().getAsLong(), available.getAsLong())));
  }

  /**
   * Folds a saga's latest state in: a started saga with a budget holds its allowance; an ended one
   * holds what its steps spent (which a step's last call can take a little past its allowance).
   * Call it with each state a saga's events fold to until it ends, and with its end once.
   */
  void update(SagaState saga) {
    if (!saga.isStarted()) {
      return;
    }
    Spending spending = saga.spending();
    if (spending.budget().isEmpty() || budgets.tenant(spending.tenant()).isEmpty()) {
      return;
    }
    Spending held = holding.get(saga.sagaId());
    if (!saga.status().isFinished()) {
      if (held == null) {
        holding.put(saga.sagaId(), spending);
        committed.merge(spending.tenant(), spending.budget().getAsLong(), Long::sum);
      }
      return;
    }
    if (held != null) {
      holding.remove(saga.sagaId());
      committed.merge(spending.tenant(), spending.spent() - held.budget().getAsLong(), Long::sum);
    } else {
      committed.merge(spending.tenant(), spending.spent(), Long::sum);
    }
    endedSpent.merge(spending.tenant(), spending.spent(), Long::sum);
  }

  /** Per tenant with a budget, what the shard's ended sagas spent. */
  Map<String, Long> endedSpent() {
    return Map.copyOf(endedSpent);
  }

  /**
   * Starts from what ended sagas spent, as a checkpoint recorded it (the running sagas' holds come
   * back as their events are folded again).
   *
   * @throws IllegalStateException if this escrow has folded anything already
   */
  void restoreEnded(Map<String, Long> spent) {
    if (!committed.isEmpty() || !holding.isEmpty()) {
      throw new IllegalStateException("an escrow is restored before anything is folded into it");
    }
    endedSpent.putAll(spent);
    committed.putAll(spent);
  }
}
