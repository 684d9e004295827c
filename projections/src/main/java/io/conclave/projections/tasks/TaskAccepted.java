package io.conclave.projections.tasks;

import io.micronaut.serde.annotation.Serdeable;

/**
 * Answer to {@code POST /tasks}: the task is durably on conclave.tasks; follow {@code location} for
 * its progress.
 */
@Serdeable
public record TaskAccepted(String taskId, String location) {}
