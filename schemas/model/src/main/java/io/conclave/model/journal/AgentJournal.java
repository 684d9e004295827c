package io.conclave.model.journal;

import io.conclave.model.Require;
import io.conclave.model.eventlog.Decision;
import io.conclave.model.eventlog.DecisionKey;
import io.conclave.model.eventlog.EventLog;
import io.conclave.model.eventlog.KnowledgeUpdate;
import io.conclave.model.eventlog.StateFold;
import io.conclave.model.knowledge.KnowledgeDelta;
import io.conclave.model.knowledge.ReplicaKnowledge;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The live log of one agent instance on the process that owns it: the agent's state, the sequence
 * of its next decision, and when the next snapshot is due. Pure: it decides what to write, the
 * caller writes it.
 *
 * <p>A step works on a {@link Draft}: its appends are folded into the draft's state only, so an
 * attempt that throws (and is retried) leaves nothing behind. {@link #accept} makes a draft's
 * decisions the agent's; they go out in the current transaction. If that transaction aborts, the
 * owner rebuilds the journal from Kafka, which holds only what committed. After a commit, {@link
 * #committed} says where the agent's latest decision landed and returns a snapshot every {@code
 * snapshotEvery} decisions.
 *
 * <p>Not thread-safe: one owner thread.
 */
public final class AgentJournal<S> {
  private final String agentId;
  private final StateFold<S> fold;
  private final int snapshotEvery;
  private S state;
  private ReplicaKnowledge knowledge;
  private long nextSequence;
  private long sinceSnapshot;

  /**
   * Where a step's decisions come from: the saga step they were taken in, when, and under which
   * leader epoch.
   */
  public record Origin(
      Optional<String> sagaId,
      Optional<Integer> stepIndex,
      Instant at,
      Optional<Long> leaderEpoch) {
    public Origin {
      Require.present(sagaId, "sagaId");
      Require.present(stepIndex, "stepIndex");
      Require.present(at, "at");
      Require.present(leaderEpoch, "leaderEpoch");
    }
  }

  /**
   * Continues the log {@code from} was folded from.
   *
   * @param snapshotEvery decisions between two snapshots; 0 for none
   */
  public AgentJournal(String agentId, StateFold<S> fold, FoldedLog<S> from, int snapshotEvery) {
    if (snapshotEvery < 0) {
      throw new IllegalArgumentException("snapshotEvery must be >= 0, was " + snapshotEvery);
    }
    this.agentId = Require.id(agentId, "agentId");
    this.fold = Objects.requireNonNull(fold, "fold");
    this.snapshotEvery = snapshotEvery;
    this.state = from.state();
    this.knowledge = from.knowledge();
    this.nextSequence = from.nextSequence();
    // a long tail read at take-over counts toward the next snapshot, so the next take-over reads
    // less
    this.sinceSnapshot = from.folded();
  }

  public String agentId() {
    return agentId;
  }

  public S state() {
    return state;
  }

  public long nextSequence() {
    return nextSequence;
  }

  /** The agent's own knowledge updates so far. */
  public ReplicaKnowledge knowledge() {
    return knowledge;
  }

  /** A draft for one step's decisions, starting from the journal's current state. */
  public Draft<S> begin(Origin origin) {
    return new Draft<>(agentId, fold, origin, state, knowledge, nextSequence);
  }

  /**
   * Makes the draft's decisions the agent's and returns them, to be written in the current
   * transaction.
   *
   * @throws IllegalStateException if the journal moved on since the draft began (drafts are
   *     accepted one at a time)
   */
  public List<Decision> accept(Draft<S> draft) {
    if (draft.base != nextSequence) {
      throw new IllegalStateException(
          "draft of "
              + agentId
              + " began at sequence "
              + draft.base
              + " but the log is at "
              + nextSequence);
    }
    state = draft.state;
    knowledge = draft.knowledge.build();
    nextSequence = draft.next;
    sinceSnapshot += draft.decisions.size();
    return List.copyOf(draft.decisions);
  }

  /**
   * Everything accepted so far has committed; the latest decision is at {@code lastOffset} of the
   * agent's partition.
   *
   * @return a snapshot of the state to write, when one is due
   */
  public Optional<AgentSnapshot> committed(long lastOffset, Instant now) {
    if (snapshotEvery == 0 || sinceSnapshot < snapshotEvery) {
      return Optional.empty();
    }
    sinceSnapshot = 0;
    return Optional.of(
        new AgentSnapshot(
            agentId, nextSequence, lastOffset + 1, fold.id(), fold.encode(state), now, knowledge));
  }

  /**
   * The decisions of one step, folded into a state of their own until the journal accepts them. Not
   * thread-safe.
   */
  public static final class Draft<S> implements EventLog<S> {
    private final String agentId;
    private final StateFold<S> fold;
    private final Origin origin;
    private final long base;
    private final List<Decision> decisions = new ArrayList<>();
    private S state;
    private final ReplicaKnowledge.Changes knowledge;
    private long next;

    Draft(
        String agentId,
        StateFold<S> fold,
        Origin origin,
        S state,
        ReplicaKnowledge knowledge,
        long next) {
      this.agentId = agentId;
      this.fold = fold;
      this.origin = Objects.requireNonNull(origin, "origin");
      this.state = state;
      this.knowledge = knowledge.change();
      this.base = next;
      this.next = next;
    }

    @Override
    public String agentId() {
      return agentId;
    }

    @Override
    public S state() {
      return state;
    }

    @Override
    public long nextSequence() {
      return next;
    }

    @Override
    public Decision append(String kind, String payload) {
      return append(kind, payload, Optional.empty());
    }

    /**
     * Records a decision that states a model's answer; {@code model} names the model.
     *
     * @throws IllegalArgumentException for the kind {@value KnowledgeDelta#DECISION}, which only
     *     {@link #update} writes
     */
    public Decision append(String kind, String payload, Optional<String> model) {
      if (KnowledgeDelta.DECISION.equals(kind)) {
        throw new IllegalArgumentException(
            "decisions of kind " + kind + " are knowledge updates: use update()");
      }
      return record(kind, payload, model, Optional.empty());
    }

    /** Where the draft's decisions come from: the saga step, when. */
    public Origin origin() {
      return origin;
    }

    /**
     * The agent's own knowledge updates, including this draft's (a copy of the view: see {@link
     * #knowledge(String)}).
     */
    public ReplicaKnowledge knowledge() {
      return knowledge.build();
    }

    /** One key of the agent's own knowledge, including this draft's updates. */
    public Optional<io.conclave.model.crdt.Crdt> knowledge(String key) {
      return knowledge.get(key);
    }

    /**
     * Records a knowledge update: a {@value KnowledgeDelta#DECISION} decision that carries it as
     * its {@link Decision#knowledge() knowledge update} (its payload is only a summary, see {@link
     * KnowledgeDelta#payload}), folded into the agent's state like any decision and merged into
     * {@link #knowledge()}.
     *
     * @throws IllegalArgumentException if the key is invalid or {@code delta} is of another type
     *     than the key's state
     */
    public Decision update(String key, io.conclave.model.crdt.Crdt delta) {
      // checked before the fold sees the decision: a rejected update must leave the draft as it was
      knowledge
          .get(KnowledgeDelta.key(key))
          .filter(current -> current.type() != delta.type())
          .ifPresent(
              current -> {
                throw KnowledgeDelta.typeConflict(key, current.type(), delta.type());
              });
      return record(
          KnowledgeDelta.DECISION,
          KnowledgeDelta.payload(key, delta),
          Optional.empty(),
          Optional.of(new KnowledgeUpdate(key, delta)));
    }

    private Decision record(
        String kind, String payload, Optional<String> model, Optional<KnowledgeUpdate> update) {
      Decision d =
          new Decision(
              new DecisionKey(agentId, next),
              origin.sagaId(),
              origin.stepIndex(),
              kind,
              payload,
              origin.at(),
              origin.leaderEpoch(),
              model,
              update);
      state =
          Objects.requireNonNull(fold.apply(state, d), () -> fold.id() + " returned a null state");
      knowledge.apply(d);
      next++;
      decisions.add(d);
      return d;
    }

    /** The decisions appended so far, in order. */
    public List<Decision> decisions() {
      return List.copyOf(decisions);
    }
  }
}
