package io.conclave.projections.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.conclave.model.eventlog.Decision;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.io.IOException;

/**
 * What one agent instance's model calls spent, summed from the {@code LLM_CALL} decisions of its
 * log (conclave.decisions): the call ledger's totals per agent, a projection of the log rather than
 * records written with every step. Every call counts, whichever attempt made it, in steps and
 * compensations alike. Immutable.
 *
 * @param agentId the agent instance, e.g. {@code research-0}
 * @param tokens the input and output tokens of its calls, as recorded (reported by the model, else
 *     estimated)
 * @param costMicros what they cost, in micro-units of currency, as priced when they were made
 * @param calls how many calls were counted
 * @param lastSequence the sequence of the last call counted: a decision at or before it was counted
 *     already
 */
@Serdeable
public record AgentLedger(
    String agentId, long tokens, long costMicros, long calls, long lastSequence) {
  /**
   * The decision kind of a recorded model call ({@code ModelCall.KIND} in conclave-models, which
   * this module cannot see).
   */
  static final String CALL_KIND = "LLM_CALL";

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * {@code ledger} with {@code decision} counted, if it records a model call of the agent's that is
   * not counted yet; otherwise {@code ledger} itself. Decisions reach the fold in sequence order
   * per agent (one partition), so a sequence at or before the last one counted is a redelivery.
   *
   * @param ledger the agent's ledger so far; null: nothing counted yet
   * @return the ledger after the decision, the same instance (or null) when it changes nothing
   */
  static @Nullable AgentLedger count(@Nullable AgentLedger ledger, Decision decision) {
    if (!CALL_KIND.equals(decision.kind())
        || ledger != null && decision.sequence() <= ledger.lastSequence()) {
      return ledger;
    }
    long tokens = 0;
    long cost = 0;
    try {
      JsonNode call = JSON.readTree(decision.payload());
      if (call != null) {
        tokens =
            Math.max(0, call.path("inputTokens").asLong(0))
                + Math.max(0, call.path("outputTokens").asLong(0));
        cost = Math.max(0, call.path("costMicros").asLong(0));
      }
    } catch (IOException e) {
      // the call was made all the same (an erased or foreign payload): it counts, with nothing
      // spent we can read
    }
    AgentLedger before = ledger == null ? new AgentLedger(decision.agentId(), 0, 0, 0, -1) : ledger;
    return new AgentLedger(
        before.agentId,
        before.tokens + tokens,
        before.costMicros + cost,
        before.calls + 1,
        decision.sequence());
  }
}
