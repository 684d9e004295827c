package io.conclave.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.conclave.core.Decision;
import java.io.IOException;
import java.util.Objects;

/**
 * One recorded model call: the prompt and the model's answer, kept in the agent's log as a decision of kind
 * {@value #KIND} (payload: JSON {@code {"prompt": ..., "answer": ...}}, with the model's name in the decision).
 */
public record ModelCall(String model, String prompt, String answer) {
  /** The decision kind of a recorded model call. */
  public static final String KIND = "LLM_CALL";
  private static final ObjectMapper JSON = new ObjectMapper();

  public ModelCall {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(prompt, "prompt");
    Objects.requireNonNull(answer, "answer");
  }

  /** The decision payload. */
  public String payload() {
    return JSON.createObjectNode().put("prompt", prompt).put("answer", answer).toString();
  }

  /**
   * The call a decision records.
   *
   * @throws IllegalArgumentException if the decision is not a recorded model call
   */
  public static ModelCall of(Decision decision) {
    if (!KIND.equals(decision.kind())) {
      throw new IllegalArgumentException("decision " + decision.key() + " is a " + decision.kind() + ", not a "
          + KIND);
    }
    try {
      JsonNode node = JSON.readTree(decision.payload());
      if (node == null || !node.path("prompt").isTextual() || !node.path("answer").isTextual()) {
        throw new IllegalArgumentException("decision " + decision.key() + " is not a recorded model call");
      }
      return new ModelCall(decision.model().orElse("unknown"), node.get("prompt").asText(),
          node.get("answer").asText());
    } catch (IOException e) {
      throw new IllegalArgumentException("decision " + decision.key() + " is not a recorded model call", e);
    }
  }
}
