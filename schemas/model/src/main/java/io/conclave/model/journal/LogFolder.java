package io.conclave.model.journal;

import io.conclave.model.eventlog.Decision;
import io.conclave.model.eventlog.DecisionKey;
import io.conclave.model.eventlog.StateFold;
import io.conclave.model.knowledge.ReplicaKnowledge;
import java.util.Optional;

/**
 * Folds one agent's decisions as they are read from its partition of conclave.decisions, which also
 * holds other agents' decisions. Pure: the caller reads Kafka and feeds each record, in offset
 * order, to {@link #accept}. Not thread-safe; one instance per fold.
 *
 * <p>Decisions arrive in sequence order, since an agent's decisions are appended by one owner at a
 * time, in transactions. A decision whose sequence was already folded is ignored (it cannot reach a
 * read_committed reader twice, but a fold must not count anything twice); a missing sequence is
 * counted as a gap and the fold goes on. A tombstone of the agent means its log was erased ({@code
 * conclave decisions erase}): the fold starts over, and the agent's next decisions make a new log
 * from sequence 0, before and after compaction alike.
 */
public final class LogFolder<S> {
  private final String agentId;
  private final StateFold<S> fold;
  private final Optional<AgentSnapshot> snapshot;
  private S state;
  private ReplicaKnowledge.Changes knowledge;
  private long nextSequence;
  private long folded;
  private long gaps;

  private LogFolder(
      String agentId,
      StateFold<S> fold,
      Optional<AgentSnapshot> snapshot,
      S state,
      ReplicaKnowledge knowledge,
      long nextSequence) {
    this.agentId = agentId;
    this.fold = fold;
    this.snapshot = snapshot;
    this.state = state;
    this.knowledge = knowledge.change();
    this.nextSequence = nextSequence;
  }

  /** A fold from the agent's first decision. */
  public static <S> LogFolder<S> fromStart(String agentId, StateFold<S> fold) {
    return new LogFolder<>(
        agentId, fold, Optional.empty(), fold.initial(), ReplicaKnowledge.EMPTY, 0);
  }

  /**
   * A fold that continues {@code snapshot}; the caller reads from {@link
   * AgentSnapshot#decisionsOffset()} on.
   *
   * @throws IllegalArgumentException if the snapshot is another agent's or another fold's, or
   *     cannot be decoded
   */
  public static <S> LogFolder<S> fromSnapshot(
      String agentId, StateFold<S> fold, AgentSnapshot snapshot) {
    if (!snapshot.agentId().equals(agentId)) {
      throw new IllegalArgumentException(
          "snapshot of " + snapshot.agentId() + " used for " + agentId);
    }
    if (!snapshot.fold().equals(fold.id())) {
      throw new IllegalArgumentException(
          "snapshot made by fold " + snapshot.fold() + ", not " + fold.id());
    }
    return new LogFolder<>(
        agentId,
        fold,
        Optional.of(snapshot),
        fold.decode(snapshot.state()),
        snapshot.knowledge(),
        snapshot.nextSequence());
  }

  /** Takes one record of the partition: {@code decision} is null for a tombstone. */
  public void accept(DecisionKey key, Decision decision) {
    if (!key.agentId().equals(agentId)) {
      return;
    }
    if (decision == null) {
      state = fold.initial();
      knowledge = ReplicaKnowledge.EMPTY.change();
      nextSequence = 0;
      return;
    }
    if (key.sequence() < nextSequence) {
      return;
    }
    if (key.sequence() > nextSequence) {
      gaps += key.sequence() - nextSequence;
    }
    state = fold.apply(state, decision);
    knowledge.apply(decision);
    nextSequence = key.sequence() + 1;
    folded++;
  }

  /** The fold so far, the log having been read up to {@code readUntil} (exclusive). */
  public FoldedLog<S> result(long readUntil) {
    return new FoldedLog<>(
        state, nextSequence, readUntil, folded, snapshot, gaps, knowledge.build());
  }
}
