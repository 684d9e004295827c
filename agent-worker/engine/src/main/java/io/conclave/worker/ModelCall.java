package io.conclave.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.conclave.agent.DecisionKinds;
import io.conclave.agent.LlmClient;
import io.conclave.model.eventlog.Decision;
import java.io.IOException;
import java.util.Objects;

/**
 * One recorded model call, the entry of the call ledger: the prompt and the model's answer, the
 * tokens it took, what it cost and how long it took, kept in the agent's log as a decision of kind
 * {@value #KIND} (payload: JSON {@code {"prompt", "answer", "inputTokens", "outputTokens",
 * "estimated", "costMicros", "latencyMs"}}, with the model's name in the decision; calls recorded
 * before the ledger have no usage: zeros).
 *
 * @param costMicros what the call cost in millionths of the price table's currency
 */
public record ModelCall(
    String model,
    String prompt,
    String answer,
    LlmClient.Usage usage,
    long costMicros,
    long latencyMs) {
  /** The decision kind of a recorded model call. */
  public static final String KIND = DecisionKinds.MODEL_CALL;

  private static final ObjectMapper JSON = new ObjectMapper();

  public ModelCall {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(prompt, "prompt");
    Objects.requireNonNull(answer, "answer");
    Objects.requireNonNull(usage, "usage");
  }

  /** A call of unknown usage, cost and latency. */
  public ModelCall(String model, String prompt, String answer) {
    this(model, prompt, answer, new LlmClient.Usage(0, 0, true), 0, 0);
  }

  /** The decision payload. */
  public String payload() {
    return JSON.createObjectNode()
        .put("prompt", prompt)
        .put("answer", answer)
        .put("inputTokens", usage.inputTokens())
        .put("outputTokens", usage.outputTokens())
        .put("estimated", usage.estimated())
        .put("costMicros", costMicros)
        .put("latencyMs", latencyMs)
        .toString();
  }

  /**
   * The call a decision records.
   *
   * @throws IllegalArgumentException if the decision is not a recorded model call
   */
  public static ModelCall of(Decision decision) {
    if (!KIND.equals(decision.kind())) {
      throw new IllegalArgumentException(
          "decision " + decision.key() + " is a " + decision.kind() + ", not a " + KIND);
    }
    try {
      JsonNode node = JSON.readTree(decision.payload());
      if (node == null || !node.path("prompt").isTextual() || !node.path("answer").isTextual()) {
        throw new IllegalArgumentException(
            "decision " + decision.key() + " is not a recorded model call");
      }
      return new ModelCall(
          decision.model().orElse("unknown"),
          node.get("prompt").asText(),
          node.get("answer").asText(),
          new LlmClient.Usage(
              node.path("inputTokens").asLong(0),
              node.path("outputTokens").asLong(0),
              node.path("estimated").asBoolean(true)),
          node.path("costMicros").asLong(0),
          node.path("latencyMs").asLong(0));
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "decision " + decision.key() + " is not a recorded model call", e);
    }
  }
}
