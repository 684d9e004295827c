package io.conclave.projections.sagas;

import io.micronaut.serde.annotation.Serdeable;

/**
 * Answer to {@code POST /sagas/{id}/approvals/{step}}: the decision is durably on
 * conclave.saga-events; the shard leader carries it out if the step still waits. Follow {@code
 * location} to see whether it did.
 */
@Serdeable
public record ApprovalAccepted(String sagaId, int step, boolean approved, String location) {}
