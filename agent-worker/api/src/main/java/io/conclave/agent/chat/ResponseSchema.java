package io.conclave.agent.chat;

import java.util.Objects;

/**
 * The JSON schema a model's answer must follow (structured output): the answer's text is a JSON
 * document of that schema.
 *
 * @param name the schema's name, as the model sees it
 * @param schema the JSON schema, an object schema
 */
public record ResponseSchema(String name, String schema) {
  public ResponseSchema {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(schema, "schema");
    if (!name.matches("[A-Za-z0-9_-]{1,64}")) {
      throw new IllegalArgumentException(
          "a schema's name is 1 to 64 letters, digits, '_' or '-', was '" + name + "'");
    }
  }
}
