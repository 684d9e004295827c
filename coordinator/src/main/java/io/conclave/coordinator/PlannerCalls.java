package io.conclave.coordinator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.conclave.agent.DecisionKinds;
import io.conclave.agent.chat.ChatRequest;
import io.conclave.agent.chat.ChatResponse;
import java.util.Optional;

/** The planner's model calls as decisions of its log, in the form the workers record theirs. */
final class PlannerCalls {
  private static final ObjectMapper JSON = new ObjectMapper();

  private PlannerCalls() {}

  /** {@code request} and its {@code answer}, which took {@code latencyMs}. */
  static Planning.Recorded recorded(ChatRequest request, ChatResponse answer, long latencyMs) {
    ObjectNode prompt = JSON.createObjectNode();
    ArrayNode messages = prompt.putArray("messages");
    request
        .messages()
        .forEach(
            m ->
                messages
                    .addObject()
                    .put("role", m.role().name().toLowerCase(java.util.Locale.ROOT))
                    .put("content", m.content()));
    ObjectNode payload =
        JSON.createObjectNode()
            .put("prompt", prompt.toString())
            .put("answer", answer.text())
            .put("inputTokens", answer.usage().inputTokens())
            .put("outputTokens", answer.usage().outputTokens())
            .put("estimated", answer.usage().estimated())
            .put("costMicros", 0)
            .put("latencyMs", latencyMs);
    if (answer.finishReason() != ChatResponse.FinishReason.STOP) {
      payload.put("finishReason", answer.finishReason().name());
    }
    return new Planning.Recorded(
        DecisionKinds.MODEL_CALL, payload.toString(), Optional.of(answer.model()));
  }
}
