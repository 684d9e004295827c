package io.conclave.agent.chat;

import java.util.Objects;

/**
 * A tool the model may call.
 *
 * @param name how the model names it (letters, digits, '_' and '-', up to 64)
 * @param description what it does, for the model to decide when to call it
 * @param parameters the JSON schema of its arguments, an object schema
 */
public record Tool(String name, String description, String parameters) {
  public Tool {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(parameters, "parameters");
    if (!name.matches("[A-Za-z0-9_-]{1,64}")) {
      throw new IllegalArgumentException(
          "a tool's name is 1 to 64 letters, digits, '_' or '-', was '" + name + "'");
    }
  }
}
