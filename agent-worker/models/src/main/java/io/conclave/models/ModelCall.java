package io.conclave.models;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.conclave.agent.DecisionKinds;
import io.conclave.agent.LlmClient;
import io.conclave.agent.chat.ChatMessage;
import io.conclave.agent.chat.ChatResponse;
import io.conclave.agent.chat.ToolCall;
import io.conclave.model.eventlog.Decision;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One recorded model call, the entry of the call ledger: the request and the model's answer, the
 * tokens it took, what it cost and how long it took, kept in the agent's log as a decision of kind
 * {@value #KIND} (payload: JSON {@code {"prompt", "answer", "inputTokens", "outputTokens",
 * "estimated", "costMicros", "latencyMs"}}, plus {@code "toolCalls"} and {@code "finishReason"}
 * when the model called tools or did not simply stop; the model's name is in the decision; calls
 * recorded before the ledger have no usage: zeros).
 *
 * @param prompt the request: the prompt of one plain user message, or else the whole request in
 *     chat-completions JSON ({@link OpenAiWire#canonical})
 * @param answer the text of the answer
 * @param toolCalls the tools the model called
 * @param costMicros what the call cost in millionths of the price table's currency
 */
public record ModelCall(
    String model,
    String prompt,
    String answer,
    List<ToolCall> toolCalls,
    ChatResponse.FinishReason finishReason,
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
    toolCalls = List.copyOf(toolCalls);
    Objects.requireNonNull(finishReason, "finishReason");
    Objects.requireNonNull(usage, "usage");
  }

  /** A text answer that stopped by itself. */
  public ModelCall(
      String model,
      String prompt,
      String answer,
      LlmClient.Usage usage,
      long costMicros,
      long latencyMs) {
    this(
        model,
        prompt,
        answer,
        List.of(),
        ChatResponse.FinishReason.STOP,
        usage,
        costMicros,
        latencyMs);
  }

  /** A call of unknown usage, cost and latency. */
  public ModelCall(String model, String prompt, String answer) {
    this(model, prompt, answer, new LlmClient.Usage(0, 0, true), 0, 0);
  }

  /** The answer as the model gave it, for a re-drive to give again. */
  public ChatResponse response() {
    return new ChatResponse(model, ChatMessage.assistant(answer, toolCalls), finishReason, usage);
  }

  /** The decision payload. */
  public String payload() {
    ObjectNode payload =
        JSON.createObjectNode()
            .put("prompt", prompt)
            .put("answer", answer)
            .put("inputTokens", usage.inputTokens())
            .put("outputTokens", usage.outputTokens())
            .put("estimated", usage.estimated())
            .put("costMicros", costMicros)
            .put("latencyMs", latencyMs);
    if (!toolCalls.isEmpty()) {
      ArrayNode calls = payload.putArray("toolCalls");
      toolCalls.forEach(
          c ->
              calls
                  .addObject()
                  .put("id", c.id())
                  .put("name", c.name())
                  .put("arguments", c.arguments()));
    }
    if (finishReason != ChatResponse.FinishReason.STOP) {
      payload.put("finishReason", finishReason.name());
    }
    return payload.toString();
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
      List<ToolCall> calls = new ArrayList<>();
      for (JsonNode c : node.path("toolCalls")) {
        calls.add(
            new ToolCall(
                c.path("id").asText(), c.path("name").asText(), c.path("arguments").asText()));
      }
      ChatResponse.FinishReason finish;
      try {
        finish = ChatResponse.FinishReason.valueOf(node.path("finishReason").asText("STOP"));
      } catch (IllegalArgumentException unknown) {
        finish = ChatResponse.FinishReason.OTHER;
      }
      return new ModelCall(
          decision.model().orElse("unknown"),
          node.get("prompt").asText(),
          node.get("answer").asText(),
          calls,
          finish,
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
