package io.conclave.projections.operations;

import io.micronaut.serde.annotation.Serdeable;
import java.util.List;
import java.util.Map;

/**
 * Answer of {@code POST /admin/projections/rebuild}.
 *
 * @param applicationId the rebuilt Kafka Streams application (and consumer group)
 * @param from where its input was reset to, e.g. {@code offset 0} or {@code time
 *     2026-11-24T10:00:00Z}
 * @param offsets the offset each input topic-partition ({@code topic-partition}) now starts from
 * @param deletedTopics the internal topics (changelogs) deleted, which the new instance recreates
 */
@Serdeable
public record RebuildAccepted(
    String applicationId, String from, Map<String, Long> offsets, List<String> deletedTopics) {}
