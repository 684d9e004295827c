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
}
