package io.conclave.worker;

import io.conclave.crdt.PNCounter;
import io.conclave.resilience.BudgetExceededException;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The call ledger's rules: what a model's tokens cost, and how many tokens a saga may spend. Every model call is
 * recorded ({@link ModelCall}); its tokens and cost are added to shared knowledge counters (PN-Counters), so the totals
 * are merged across every worker: {@code ledger.agent.<agentId>.tokens}, {@code ledger.agent.<agentId>.cost-micros},
 * {@code ledger.saga.<sagaId>.tokens} and {@code ledger.saga.<sagaId>.cost-micros}. A call that a saga's total (as
 * this worker has seen it) already reaches the budget with is not made: the step fails and its saga compensates.
 * The totals of concurrent steps on other workers arrive a little later, so a saga can overshoot its budget by the
 * calls in flight. Immutable.
 *
 * @param prices          per model name, micro-units of currency per million input and output tokens; a model not
 *                        in the table costs nothing
 * @param sagaTokenBudget the tokens a saga may spend; 0 for no budget
 * @param recordBodies    whether a call's prompt and answer are recorded as they are (needed to re-drive a saga over
 *                        its recording) or only as their SHA-256 ({@code sha256:<hex>}), for prompts that must not be
 *                        kept
 */
public record CallLedger(Map<String, Price> prices, long sagaTokenBudget, boolean recordBodies) {
  /** No prices, no budget, bodies recorded. */
  public static final CallLedger FREE = new CallLedger(Map.of(), 0);

  /** A ledger that records bodies. */
  public CallLedger(Map<String, Price> prices, long sagaTokenBudget) {
    this(prices, sagaTokenBudget, true);
  }

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
    if (sagaTokenBudget < 0) {
      throw new IllegalArgumentException("the saga token budget must not be negative, was " + sagaTokenBudget);
    }
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

  /**
   * Refuses a call of a saga that has spent its budget.
   *
   * @throws BudgetExceededException if the saga's tokens, as {@code knowledge} shows them, reach the budget
   */
  void checkBudget(Optional<String> sagaId, Knowledge knowledge) {
    if (sagaTokenBudget == 0 || sagaId.isEmpty()) {
      return;
    }
    long used = knowledge.get(sagaTokens(sagaId.get())).filter(PNCounter.class::isInstance)
        .map(c -> ((PNCounter) c).value()).orElse(0L);
    if (used >= sagaTokenBudget) {
      throw new BudgetExceededException(sagaId.get() + " has used " + used + " tokens, its budget is "
          + sagaTokenBudget + " (conclave.llm.budget.saga-tokens): no model call made");
    }
  }

  /** Adds a recorded call to the ledger's counters. */
  void record(ModelCall call, String agentId, Optional<String> sagaId, Knowledge knowledge) {
    Objects.requireNonNull(call, "call");
    long tokens = call.usage().total();
    knowledge.add(agentTokens(agentId), tokens);
    knowledge.add(agentCost(agentId), call.costMicros());
    sagaId.ifPresent(saga -> {
      knowledge.add(sagaTokens(saga), tokens);
      knowledge.add(sagaCost(saga), call.costMicros());
    });
  }
}
