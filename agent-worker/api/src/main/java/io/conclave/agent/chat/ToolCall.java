package io.conclave.agent.chat;

import java.util.Objects;

/**
 * A model's call of a tool: the agent runs the tool and answers with {@link
 * ChatMessage#toolResult}.
 *
 * @param id the model's id of the call, which the tool's result names
 * @param arguments the arguments, a JSON object as the model wrote it (it may not parse)
 */
public record ToolCall(String id, String name, String arguments) {
  public ToolCall {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(arguments, "arguments");
  }
}
