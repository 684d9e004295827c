package io.conclave.worker;

import java.util.Map;
import java.util.Objects;

/**
 * The call ledger's rules: what a model's tokens cost, and whether prompts and answers are kept. Every model call is
 * recorded ({@link ModelCall}); once per step (or compensation) the tokens and cost of all its calls are added to
 * shared knowledge counters (PN-Counters), so the totals are merged across every worker:
 * {@code ledger.agent.<agentId>.tokens}, {@code ledger.agent.<agentId>.cost-micros},
 * {@code ledger.tenant.<tenant>.tokens} and {@code ledger.tenant.<tenant>.cost-micros}. Both sets of keys are bounded
 * (agent instances, tenants): a saga's own figures are not counters but travel with its events
 * ({@code StepCompleted}/{@code StepFailed} carry the step's tokens and cost), so an agent's knowledge does not grow
 * with the number of sagas it ran. Budgets are not the ledger's: a step's allowance travels in its command
 * ({@link io.conclave.core.RoutingSlip#tokenAllowance}). Immutable.
 *
 * @param prices       per model name, micro-units of currency per million input and output tokens; a model not in
 *                     the table costs nothing
 * @param recordBodies whether a call's prompt and answer are recorded as they are (needed to re-drive a saga over its
 *                     recording) or only as their SHA-256 ({@code sha256:<hex>}), for prompts that must not be kept
 */
public record CallLedger(Map<String, Price> prices, boolean recordBodies) {
  /** No prices, bodies recorded. */
  public static final CallLedger FREE = new CallLedger(Map.of(), true);

  /** Micro-units of currency per million tokens. */
  public record Price(long inputPerMillion, long outputPerMillion) {
    public Price {
      if (inputPerMillion < 0 || outputPerMillion < 0) {
        throw new IllegalArgumentException("prices must not be negative");
      }
    }
  }

  public CallLedger {
    prices = Map.copyOf(prices);
  }

  /** What a call of {@code model} with {@code usage} cost, in micro-units, rounded up. */
  public long costMicros(String model, LlmClient.Usage usage) {
    Price price = prices.get(model);
    if (price == null) {
      return 0;
    }
    long millionths = Math.addExact(Math.multiplyExact(usage.inputTokens(), price.inputPerMillion()),
        Math.multiplyExact(usage.outputTokens(), price.outputPerMillion()));
    return (millionths + 999_999) / 1_000_000;
  }

  /** A prompt or an answer as the ledger records it: itself, or its SHA-256. */
  String recorded(String text) {
    return recordBodies ? text : "sha256:" + Digests.sha256(text);
  }

  static String agentTokens(String agentId) {
    return "ledger.agent." + agentId + ".tokens";
  }

  static String agentCost(String agentId) {
    return "ledger.agent." + agentId + ".cost-micros";
  }

  static String tenantTokens(String tenant) {
    return "ledger.tenant." + tenant + ".tokens";
  }

  static String tenantCost(String tenant) {
    return "ledger.tenant." + tenant + ".cost-micros";
  }

  /**
   * Adds what one step's model calls spent to the ledger's counters: one delta per counter per step, whatever the
   * number of calls (a zero adds nothing).
   */
  void record(long tokens, long costMicros, String agentId, String tenant, Knowledge knowledge) {
    Objects.requireNonNull(knowledge, "knowledge");
    knowledge.add(agentTokens(agentId), tokens);
    knowledge.add(agentCost(agentId), costMicros);
    knowledge.add(tenantTokens(tenant), tokens);
    knowledge.add(tenantCost(tenant), costMicros);
  }
}
