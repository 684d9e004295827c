package io.conclave.projections.operations;

import io.micronaut.serde.annotation.Serdeable;
import java.util.Map;

/**
 * Answer of {@code POST /admin/groups/{group}/reset}.
 *
 * @param group the reset group
 * @param topic the full name of the topic
 * @param offsets the new committed offset of each partition, by partition
 */
@Serdeable
public record GroupResetDone(String group, String topic, Map<Integer, Long> offsets) {}
