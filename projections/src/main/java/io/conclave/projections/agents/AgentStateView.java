package io.conclave.projections.agents;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.serde.annotation.Serdeable;
import java.time.Instant;

/**
 * An agent's state as of a point of its log (time travel), as the HTTP API shows it.
 *
 * @param fold the fold that computed it ({@code StateFold.id()}); every agent has at least a tally
 * @param atOffset the offset asked for, if any
 * @param at the time asked for, if any
 * @param partition the agent's partition of conclave.decisions (and conclave.snapshots)
 * @param readUntilOffset the decisions of the agent below this offset of its partition are folded
 *     in
 * @param lastSequence the sequence of the last decision folded in
 * @param decisionsFolded decisions this answer folded (after the snapshot, if one was used)
 * @param snapshot the snapshot the fold started from, if any
 * @param gaps sequence numbers missing from the log (0 for a healthy log)
 * @param state the state: JSON as the fold encodes it
 */
@Serdeable
public record AgentStateView(
    String agentId,
    String agentType,
    String fold,
    @Nullable Long atOffset,
    @Nullable Instant at,
    int partition,
    long readUntilOffset,
    long lastSequence,
    long decisionsFolded,
    @Nullable SnapshotView snapshot,
    long gaps,
    JsonNode state) {
  /** The snapshot an answer started from. */
  @Serdeable
  public record SnapshotView(long nextSequence, long decisionsOffset, Instant takenAt) {}
}
