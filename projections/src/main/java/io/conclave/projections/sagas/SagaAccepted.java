package io.conclave.projections.sagas;

import io.micronaut.serde.annotation.Serdeable;

/**
 * Answer to {@code POST /sagas}: the task and its saga are durably on conclave.tasks; follow {@code
 * location}.
 */
@Serdeable
public record SagaAccepted(String taskId, String sagaId, String location) {}
