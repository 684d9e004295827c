package io.conclave.agent.chat;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * One call of a model: the conversation so far and how to answer it.
 *
 * @param messages the conversation, oldest first; not empty
 * @param temperature how varied the answer may be; empty: the model's default
 * @param maxTokens the most tokens the answer may take; empty: as many as the step's budget leaves
 *     (the worker sets it from the remaining allowance either way, the smaller of the two)
 * @param responseSchema the schema the answer's text must follow; empty: free text
 * @param tools the tools the model may call instead of answering
 */
public record ChatRequest(
    List<ChatMessage> messages,
    OptionalDouble temperature,
    OptionalInt maxTokens,
    Optional<ResponseSchema> responseSchema,
    List<Tool> tools) {
  public ChatRequest {
    messages = List.copyOf(messages);
    if (messages.isEmpty()) {
      throw new IllegalArgumentException("a chat request has at least one message");
    }
    Objects.requireNonNull(temperature, "temperature");
    Objects.requireNonNull(maxTokens, "maxTokens");
    Objects.requireNonNull(responseSchema, "responseSchema");
    tools = List.copyOf(tools);
    if (temperature.isPresent() && !(temperature.getAsDouble() >= 0)) {
      throw new IllegalArgumentException("temperature must be 0 or more");
    }
    if (maxTokens.isPresent() && maxTokens.getAsInt() < 1) {
      throw new IllegalArgumentException("maxTokens must be at least 1");
    }
  }

  /** A request of these messages, with the model's defaults. */
  public static ChatRequest of(List<ChatMessage> messages) {
    return new ChatRequest(
        messages, OptionalDouble.empty(), OptionalInt.empty(), Optional.empty(), List.of());
  }

  /** A request of these messages, with the model's defaults. */
  public static ChatRequest of(ChatMessage... messages) {
    return of(List.of(messages));
  }

  /** A request of one user message. */
  public static ChatRequest prompt(String prompt) {
    return of(ChatMessage.user(prompt));
  }

  public ChatRequest withTemperature(double temperature) {
    return new ChatRequest(
        messages, OptionalDouble.of(temperature), maxTokens, responseSchema, tools);
  }

  public ChatRequest withMaxTokens(int maxTokens) {
    return new ChatRequest(messages, temperature, OptionalInt.of(maxTokens), responseSchema, tools);
  }

  public ChatRequest withResponseSchema(ResponseSchema schema) {
    return new ChatRequest(messages, temperature, maxTokens, Optional.of(schema), tools);
  }

  public ChatRequest withTools(List<Tool> tools) {
    return new ChatRequest(messages, temperature, maxTokens, responseSchema, tools);
  }

  /**
   * The prompt when the request is one user message and nothing else, as {@code complete} sends it;
   * empty otherwise.
   */
  public Optional<String> plainPrompt() {
    return messages.size() == 1
            && messages.get(0).role() == ChatMessage.Role.USER
            && temperature.isEmpty()
            && maxTokens.isEmpty()
            && responseSchema.isEmpty()
            && tools.isEmpty()
        ? Optional.of(messages.get(0).content())
        : Optional.empty();
  }

  /** All the messages' text, as a budget estimates the prompt's tokens from it. */
  public String text() {
    StringBuilder text = new StringBuilder();
    messages.forEach(m -> text.append(m.content()));
    tools.forEach(t -> text.append(t.name()).append(t.description()).append(t.parameters()));
    responseSchema.ifPresent(s -> text.append(s.schema()));
    return text.toString();
  }
}
