package io.conclave.worker;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The call ledger's rules: what a model's tokens cost, and whether prompts and answers are kept. Every model call is
 * recorded ({@link ModelCall}); its tokens and cost are added to shared knowledge counters (PN-Counters), so the totals
 * are merged across every worker: {@code ledger.agent.<agentId>.tokens}, {@code ledger.agent.<agentId>.cost-micros},
 * {@code ledger.saga.<sagaId>.tokens}, {@code ledger.saga.<sagaId>.cost-micros}, {@code ledger.tenant.<tenant>.tokens}
 * and {@code ledger.tenant.<tenant>.cost-micros}. Budgets are not the ledger's: a step's allowance travels in its
 * command ({@link io.conclave.core.RoutingSlip#tokenAllowance}). Immutable.
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

  static String sagaTokens(String sagaId) {
    return "ledger.saga." + sagaId + ".tokens";
  }

  static String sagaCost(String sagaId) {
    return "ledger.saga." + sagaId + ".cost-micros";
  }

  static String tenantTokens(String tenant) {
    return "ledger.tenant." + tenant + ".tokens";
  }

  static String tenantCost(String tenant) {
    return "ledger.tenant." + tenant + ".cost-micros";
  }

  /** Adds a recorded call to the ledger's counters. */
  void record(ModelCall call, String agentId, Optional<String> sagaId, String tenant, Knowledge knowledge) {
    Objects.requireNonNull(call, "call");
    long tokens = call.usage().total();
    knowledge.add(agentTokens(agentId), tokens);
    knowledge.add(agentCost(agentId), call.costMicros());
    sagaId.ifPresent(saga -> {
      knowledge.add(sagaTokens(saga), tokens);
      knowledge.add(sagaCost(saga), call.costMicros());
    });
    knowledge.add(tenantTokens(tenant), tokens);
    knowledge.add(tenantCost(tenant), call.costMicros());
  }
}
