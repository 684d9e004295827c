package io.conclave.agent.chat;

import java.util.Objects;

/**
 * A model's answer.
 *
 * @param model the model that answered (another than the one asked when a fallback answered)
 * @param message what the model said: an assistant message, with the tools it calls if any
 * @param finishReason why the model stopped
 * @param usage the tokens the call took, as the model reported them or estimated
 */
public record ChatResponse(
    String model, ChatMessage message, FinishReason finishReason, Usage usage) {
  /** Why a model stopped answering. */
  public enum FinishReason {
    /** It had said what it had to say. */
    STOP,
    /** It reached the answer's token limit: the answer is cut short. */
    LENGTH,
    /** It calls tools: the agent runs them and asks again. */
    TOOL_CALLS,
    /** Its content filter stopped it. */
    CONTENT_FILTER,
    /** It did not say. */
    OTHER
  }

  public ChatResponse {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(finishReason, "finishReason");
    Objects.requireNonNull(usage, "usage");
    if (message.role() != ChatMessage.Role.ASSISTANT) {
      throw new IllegalArgumentException("a model answers with an assistant message");
    }
  }

  /** A text answer that stopped by itself. */
  public static ChatResponse text(String model, String text, Usage usage) {
    return new ChatResponse(model, ChatMessage.assistant(text), FinishReason.STOP, usage);
  }

  /** The answer's text. */
  public String text() {
    return message.content();
  }
}
