package io.conclave.agent;

import io.conclave.agent.chat.ChatRequest;
import io.conclave.agent.chat.ChatResponse;

/**
 * A language model an agent asks. Implementations must be thread-safe.
 *
 * <p>{@link #chat} is the call: messages, parameters, a schema for the answer, tools. {@link
 * #complete} is the short form for one user message.
 */
public interface LlmClient {
  /** The model's name as recorded with each call, e.g. {@code offline} or {@code gpt-4o-mini}. */
  String model();

  /**
   * The model's answer to {@code request}.
   *
   * @throws IllegalArgumentException if the request can never be answered
   * @throws RuntimeException for a transient failure (the step is retried)
   */
  ChatResponse chat(ChatRequest request);

  /** The text of the model's answer to one user message. */
  default String complete(String prompt) {
    return chat(ChatRequest.prompt(prompt)).text();
  }

  /**
   * What a call cost in tokens: as the model reported it, or estimated (about four characters a
   * token) for a model that does not say.
   */
  record Usage(long inputTokens, long outputTokens, boolean estimated) {
    public Usage {
      if (inputTokens < 0 || outputTokens < 0) {
        throw new IllegalArgumentException("token counts must not be negative");
      }
    }

    /** An estimate from the texts' lengths. */
    public static Usage estimate(String prompt, String answer) {
      return new Usage((prompt.length() + 3) / 4, (answer.length() + 3) / 4, true);
    }

    public long total() {
      return inputTokens + outputTokens;
    }
  }
}
