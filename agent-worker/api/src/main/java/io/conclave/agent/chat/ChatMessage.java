package io.conclave.agent.chat;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One message of a conversation with a model.
 *
 * @param content the text; empty for an assistant message that only calls tools
 * @param toolCalls the tools an assistant message calls; empty for every other role
 * @param toolCallId for a {@link Role#TOOL} message, the call it answers
 */
public record ChatMessage(
    Role role, String content, List<ToolCall> toolCalls, Optional<String> toolCallId) {
  /** Who says a message. */
  public enum Role {
    SYSTEM,
    USER,
    ASSISTANT,
    TOOL
  }

  public ChatMessage {
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(content, "content");
    toolCalls = List.copyOf(toolCalls);
    Objects.requireNonNull(toolCallId, "toolCallId");
    if (!toolCalls.isEmpty() && role != Role.ASSISTANT) {
      throw new IllegalArgumentException("only an assistant message calls tools, not a " + role);
    }
    if (role == Role.TOOL && toolCallId.isEmpty()) {
      throw new IllegalArgumentException("a tool message names the call it answers");
    }
    if (role != Role.TOOL && toolCallId.isPresent()) {
      throw new IllegalArgumentException("only a tool message answers a tool call");
    }
  }

  public static ChatMessage system(String content) {
    return new ChatMessage(Role.SYSTEM, content, List.of(), Optional.empty());
  }

  public static ChatMessage user(String content) {
    return new ChatMessage(Role.USER, content, List.of(), Optional.empty());
  }

  public static ChatMessage assistant(String content) {
    return new ChatMessage(Role.ASSISTANT, content, List.of(), Optional.empty());
  }

  /** An assistant message that calls tools (and may say something too). */
  public static ChatMessage assistant(String content, List<ToolCall> toolCalls) {
    return new ChatMessage(Role.ASSISTANT, content, toolCalls, Optional.empty());
  }

  /** The result of the tool call {@code toolCallId}, for the model to go on with. */
  public static ChatMessage toolResult(String toolCallId, String content) {
    return new ChatMessage(Role.TOOL, content, List.of(), Optional.of(toolCallId));
  }
}
