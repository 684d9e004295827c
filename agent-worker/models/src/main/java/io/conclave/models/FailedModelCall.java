package io.conclave.models;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.conclave.model.eventlog.Decision;
import java.io.IOException;
import java.util.Objects;

/**
 * A model call that did not answer, the other kind of call ledger entry: recorded as a decision of
 * kind {@value #KIND} with the step's outcome (its attempt's own decisions are discarded, so the
 * worker keeps the failed calls of every attempt and records them with whatever the step finally
 * writes).
 *
 * @param prompt the prompt, or its {@code sha256:} digest (see {@link CallLedger#recordBodies()})
 * @param error the failure's class and message
 */
public record FailedModelCall(String model, String prompt, String error, long latencyMs) {
  /** The decision kind of a failed model call. */
  public static final String KIND = "LLM_CALL_FAILED";

  private static final ObjectMapper JSON = new ObjectMapper();

  public FailedModelCall {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(prompt, "prompt");
    Objects.requireNonNull(error, "error");
  }

  /**
   * The decision payload: {@code {"prompt", "error", "latencyMs"}}, with the model's name in the
   * decision.
   */
  public String payload() {
    return JSON.createObjectNode()
        .put("prompt", prompt)
        .put("error", error)
        .put("latencyMs", latencyMs)
        .toString();
  }

  /**
   * The failed call a decision records.
   *
   * @throws IllegalArgumentException if the decision is not one
   */
  public static FailedModelCall of(Decision decision) {
    if (!KIND.equals(decision.kind())) {
      throw new IllegalArgumentException(
          "decision " + decision.key() + " is a " + decision.kind() + ", not a " + KIND);
    }
    try {
      JsonNode node = JSON.readTree(decision.payload());
      if (node == null || !node.path("prompt").isTextual() || !node.path("error").isTextual()) {
        throw new IllegalArgumentException(
            "decision " + decision.key() + " is not a failed model call");
      }
      return new FailedModelCall(
          decision.model().orElse("unknown"),
          node.get("prompt").asText(),
          node.get("error").asText(),
          node.path("latencyMs").asLong(0));
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "decision " + decision.key() + " is not a failed model call", e);
    }
  }
}
