package io.conclave.model.saga;

import io.conclave.model.Require;
import java.time.Instant;

/**
 * A saga definition registered under a name, which a task can name instead of carrying a plan
 * ({@link io.conclave.model.cluster.TaskSubmission#definition()}). The name is the key of the
 * compacted topic that holds the definitions, so registering a name again replaces its definition.
 *
 * @param name 1 to {@value #MAX_NAME_LENGTH} letters, digits, '-', '_' or '.'
 */
public record RegisteredSaga(String name, SagaDefinition definition, Instant registeredAt) {
  /** The longest name accepted. */
  public static final int MAX_NAME_LENGTH = 64;

  public RegisteredSaga {
    requireName(name);
    Require.present(definition, "definition");
    Require.present(registeredAt, "registeredAt");
  }

  /**
   * @return {@code name}
   * @throws IllegalArgumentException if it is not a definition's name, saying why
   */
  public static String requireName(String name) {
    return Require.id(name, "definition name", MAX_NAME_LENGTH);
  }
}
