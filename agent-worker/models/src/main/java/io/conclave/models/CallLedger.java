package io.conclave.models;

import io.conclave.agent.LlmClient;
import java.util.Map;

/**
 * The call ledger's rules: what a model's tokens cost, and whether prompts and answers are kept.
 * Every model call is recorded ({@link ModelCall}) in the agent's log, and a step's event ({@code
 * StepCompleted}/{@code StepFailed}) carries the tokens and cost of all its calls. The totals are
 * derived from those, not written with every step: the projections fold them per agent instance and
 * per tenant ({@code GET /ledger/agents/<agentId>}, {@code GET /ledger/tenants/<tenant>}). Budgets
 * are not the ledger's: a step's allowance travels in its command ({@link
 * io.conclave.model.saga.RoutingSlip#tokenAllowance}). Immutable.
 *
 * @param prices per model name, micro-units of currency per million input and output tokens; a
 *     model not in the table costs nothing
 * @param recordBodies whether a call's prompt and answer are recorded as they are (needed to
 *     re-drive a saga over its recording) or only as their SHA-256 ({@code sha256:<hex>}), for
 *     prompts that must not be kept
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
    long millionths =
        Math.addExact(
            Math.multiplyExact(usage.inputTokens(), price.inputPerMillion()),
            Math.multiplyExact(usage.outputTokens(), price.outputPerMillion()));
    return (millionths + 999_999) / 1_000_000;
  }

  /** A prompt or an answer as the ledger records it: itself, or its SHA-256. */
  public String recorded(String text) {
    return recordBodies ? text : "sha256:" + Digests.sha256(text);
  }
}
