package io.conclave.model.saga;

import io.conclave.model.Require;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Who pays for a saga's model calls, how many tokens the saga may spend, and what its steps spent.
 * It travels in the routing slip, so the worker that runs a step knows the step's allowance without
 * asking anyone: the allowance is a function of the slip alone ({@link
 * RoutingSlip#tokenAllowance(int)}), which is what makes the budget hold across workers running the
 * saga's steps concurrently.
 *
 * <p>Immutable.
 *
 * @param tenant who the saga's spending is charged to ({@link #DEFAULT_TENANT} when the task named
 *     none)
 * @param budget the tokens the saga may spend on its steps' model calls, as the shard leader
 *     granted them from its tenant's budget when it started the saga; empty: no limit
 * @param tokens the tokens each settled step spent (every answered model call of every attempt), by
 *     step index
 * @param costMicros what each settled step's model calls cost, in micro-units of currency, by step
 *     index, as the saga's events report it (routing slips do not carry it: no allowance depends on
 *     it)
 */
public record Spending(
    String tenant, OptionalLong budget, Map<Integer, Long> tokens, Map<Integer, Long> costMicros) {
  /** The tenant of a task that names none. */
  public static final String DEFAULT_TENANT = "default";

  /** The longest tenant id: it keys the projections' tenant ledger and appears in its URL. */
  public static final int MAX_TENANT_LENGTH = 64;

  public Spending {
    Require.id(tenant, "tenant", MAX_TENANT_LENGTH);
    Require.present(budget, "budget");
    if (budget.isPresent()) {
      Require.notNegative(budget.getAsLong(), "budget");
    }
    tokens = Map.copyOf(Require.present(tokens, "tokens"));
    tokens.forEach(
        (i, t) -> {
          Require.notNegative(i, "step index");
          Require.notNegative(t, "tokens");
        });
    // a view stored before costs were kept has none
    costMicros = costMicros == null ? Map.of() : Map.copyOf(costMicros);
    costMicros.forEach(
        (i, c) -> {
          Require.notNegative(i, "step index");
          Require.notNegative(c, "costMicros");
        });
  }

  public Spending(String tenant, OptionalLong budget, Map<Integer, Long> tokens) {
    this(tenant, budget, tokens, Map.of());
  }

  /** A saga of {@code tenant} that may spend without limit, nothing spent yet. */
  public static Spending unlimited(String tenant) {
    return new Spending(tenant, OptionalLong.empty(), Map.of());
  }

  /** A saga of {@code tenant} that may spend {@code budget} tokens, nothing spent yet. */
  public static Spending limited(String tenant, long budget) {
    return new Spending(tenant, OptionalLong.of(budget), Map.of());
  }

  /** The tokens the settled steps spent. */
  public long spent() {
    return tokens.values().stream().mapToLong(Long::longValue).sum();
  }

  /** What the settled steps' model calls cost, in micro-units of currency. */
  public long cost() {
    return costMicros.values().stream().mapToLong(Long::longValue).sum();
  }

  /**
   * This spending with step {@code index}'s tokens recorded (a step settles once: the first record
   * stays).
   */
  public Spending withStep(int index, long stepTokens) {
    if (tokens.containsKey(index)) {
      return this;
    }
    Map<Integer, Long> t = new HashMap<>(tokens);
    t.put(index, stepTokens);
    return new Spending(tenant, budget, t, costMicros);
  }

  /**
   * This spending with step {@code index}'s tokens and cost recorded (the first record of a step
   * stays).
   */
  public Spending withStep(int index, long stepTokens, long stepCostMicros) {
    if (tokens.containsKey(index)) {
      return this;
    }
    Map<Integer, Long> c = new HashMap<>(costMicros);
    c.put(index, stepCostMicros);
    return new Spending(tenant, budget, tokens, c).withStep(index, stepTokens);
  }
}
