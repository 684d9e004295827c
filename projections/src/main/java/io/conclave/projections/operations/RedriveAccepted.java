package io.conclave.projections.operations;

import io.micronaut.serde.annotation.Serdeable;

/**
 * Answer of {@code POST /admin/dead-letters/{partition}/{offset}/redrive}: the dead letter's record
 * is back on its topic.
 *
 * @param deadLetterPartition the dead letter's partition of conclave.dead-letters
 * @param deadLetterOffset the dead letter's offset there
 * @param topic where its record was written: the topic it had been read from
 * @param partition the partition it had been read from
 * @param offset its new offset there
 */
@Serdeable
public record RedriveAccepted(
    int deadLetterPartition, long deadLetterOffset, String topic, int partition, long offset) {}
