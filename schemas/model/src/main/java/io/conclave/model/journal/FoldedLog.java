package io.conclave.model.journal;

import io.conclave.model.Require;
import io.conclave.model.knowledge.ReplicaKnowledge;
import java.util.Optional;

/**
 * An agent's state as folded from its log up to a point, with where that point is.
 *
 * @param state the fold of every decision of the agent below {@code decisionsOffset}
 * @param nextSequence the sequence the agent's next decision gets (0 for an agent that decided
 *     nothing)
 * @param decisionsOffset offset in the agent's partition of conclave.decisions up to which the log
 *     was read (exclusive); every decision of the agent below it is in {@code state}
 * @param folded decisions applied by this fold, after the snapshot if one was used
 * @param snapshot the snapshot the fold started from, if any
 * @param gaps sequence numbers found missing (0 for a healthy log; an erased decision is not a gap)
 * @param knowledge the agent's own knowledge updates up to the same point
 */
public record FoldedLog<S>(
    S state,
    long nextSequence,
    long decisionsOffset,
    long folded,
    Optional<AgentSnapshot> snapshot,
    long gaps,
    ReplicaKnowledge knowledge) {
  public FoldedLog {
    Require.present(state, "state");
    Require.present(knowledge, "knowledge");
    Require.notNegative(nextSequence, "nextSequence");
    Require.notNegative(decisionsOffset, "decisionsOffset");
    Require.present(snapshot, "snapshot");
  }

  /** A fold of an agent that updated no knowledge. */
  public FoldedLog(
      S state,
      long nextSequence,
      long decisionsOffset,
      long folded,
      Optional<AgentSnapshot> snapshot,
      long gaps) {
    this(state, nextSequence, decisionsOffset, folded, snapshot, gaps, ReplicaKnowledge.EMPTY);
  }

  /** A log with no decision yet, at {@code initial} (a fold's initial state). */
  public static <S> FoldedLog<S> empty(S initial) {
    return new FoldedLog<>(initial, 0, 0, 0, Optional.empty(), 0);
  }

  /** The sequence of the agent's last decision folded in, or -1 if there is none. */
  public long lastSequence() {
    return nextSequence - 1;
  }
}
