package io.conclave.projections.definitions;

import io.conclave.model.saga.RegisteredSaga;
import io.conclave.model.saga.SagaDefinitions;
import io.micronaut.serde.annotation.Serdeable;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A registered saga definition as {@code GET /saga-definitions/{name}} shows it.
 *
 * @param steps the definition's steps in the {@link SagaDefinitions} format, as {@code PUT} takes
 *     them
 */
@Serdeable
public record SagaDefinitionView(String name, Instant registeredAt, List<Object> steps) {
  @SuppressWarnings("unchecked")
  public static SagaDefinitionView of(RegisteredSaga registered) {
    Map<String, Object> tree = SagaDefinitions.toTree(registered.definition());
    return new SagaDefinitionView(
        registered.name(), registered.registeredAt(), (List<Object>) tree.get("steps"));
  }
}
