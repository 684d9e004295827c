package io.conclave.model.journal;

import io.conclave.model.Require;
import io.conclave.model.eventlog.StateFold;
import io.conclave.model.knowledge.ReplicaKnowledge;
import java.time.Instant;

/**
 * An agent's state as the fold of its decisions up to a point of its log, so that rebuilding the
 * agent reads only the decisions after that point. Snapshots are derived data: losing one costs
 * time, never correctness.
 *
 * @param nextSequence the sequence of the agent's first decision not folded into {@code state}
 * @param decisionsOffset offset in the agent's partition of conclave.decisions: each of its
 *     decisions below it is folded into {@code state}, none at or above it
 * @param fold the {@link StateFold#id()} that made the state
 * @param state the state, as that fold {@linkplain StateFold#encode encodes} it
 * @param knowledge the agent's own knowledge updates up to the same point (schema v2; empty in
 *     older snapshots, which predate knowledge)
 */
public record AgentSnapshot(
    String agentId,
    long nextSequence,
    long decisionsOffset,
    String fold,
    String state,
    Instant at,
    ReplicaKnowledge knowledge) {
  public AgentSnapshot {
    Require.id(agentId, "agentId");
    Require.notNegative(nextSequence, "nextSequence");
    Require.notNegative(decisionsOffset, "decisionsOffset");
    Require.text(fold, "fold");
    Require.present(state, "state");
    Require.present(at, "at");
    Require.present(knowledge, "knowledge");
  }

  /** A snapshot of an agent that updated no knowledge. */
  public AgentSnapshot(
      String agentId,
      long nextSequence,
      long decisionsOffset,
      String fold,
      String state,
      Instant at) {
    this(agentId, nextSequence, decisionsOffset, fold, state, at, ReplicaKnowledge.EMPTY);
  }
}
