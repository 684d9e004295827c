package io.conclave.projections;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

/**
 * Body of {@code POST /tasks}.
 *
 * @param taskId optional; the idempotency key of the task (a new one is made when absent)
 * @param prompt what the agents should do
 */
@Serdeable
public record TaskRequest(@Nullable String taskId, @Nullable String prompt) {}
