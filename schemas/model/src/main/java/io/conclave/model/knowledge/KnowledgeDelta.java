package io.conclave.model.knowledge;

import io.conclave.model.Require;
import io.conclave.model.crdt.Crdt;
import io.conclave.model.crdt.KnowledgeType;
import io.conclave.model.eventlog.Decision;
import io.conclave.model.eventlog.KnowledgeUpdate;
import java.time.Instant;
import java.util.Optional;

/**
 * One update of shared knowledge: a delta-state CRDT for one knowledge key, made by one agent
 * instance (the replica) in one of its steps. It is recorded twice, in the same transaction: as a
 * {@value #DECISION} decision in the agent's own log, which carries it as its {@link
 * Decision#knowledge() knowledge update} (so the replica's view of what it contributed is rebuilt
 * with its state), and as a record of conclave.knowledge keyed by {@link #key()}, which the
 * projections merge.
 *
 * @param key the knowledge key: 1 to {@value #MAX_KEY_LENGTH} letters, digits, '-', '_' or '.'
 * @param replica the agent instance, e.g. {@code research-0}
 * @param sequence the sequence of the decision that records the update in the replica's log
 * @param sagaId the saga whose step made the update, if any
 * @param at when the update was made
 * @param delta the update, merged into the key's state; a key keeps the type of its first update
 */
public record KnowledgeDelta(
    String key, String replica, long sequence, Optional<String> sagaId, Instant at, Crdt delta) {
  /** The decision kind that records a knowledge update in the agent's log. */
  public static final String DECISION = KnowledgeUpdate.KIND;

  /** The longest knowledge key: room for an identifier (up to 128) with a prefix and a suffix. */
  public static final int MAX_KEY_LENGTH = KnowledgeUpdate.MAX_KEY_LENGTH;

  public KnowledgeDelta {
    key(key);
    Require.id(replica, "replica");
    Require.notNegative(sequence, "sequence");
    Require.present(sagaId, "sagaId");
    Require.present(at, "at");
    Require.present(delta, "delta");
  }

  /**
   * Checks a knowledge key.
   *
   * @throws IllegalArgumentException saying what is wrong with it
   */
  public static String key(String key) {
    return KnowledgeUpdate.key(key);
  }

  /** The error of an update of type {@code wanted} to a key that holds a {@code held}. */
  public static IllegalArgumentException typeConflict(
      String key, KnowledgeType held, KnowledgeType wanted) {
    return new IllegalArgumentException(
        "knowledge key '"
            + key
            + "' holds a "
            + held
            + ", so it cannot take an update of type "
            + wanted);
  }

  /**
   * The payload of the {@value #DECISION} decision of an update: a summary for people reading the
   * log, {@code {"key":"<key>","type":"<type id>"}} (e.g. {@code
   * {"key":"steps.research","type":"g-counter"}}). The update itself travels as the decision's
   * {@link Decision#knowledge() knowledge update}; nothing reads it back from the payload. (Before
   * schema v3 the payload held the whole update as JSON; the wire format's reader turns such a
   * payload into the typed update.)
   */
  public static String payload(String key, Crdt delta) {
    // a knowledge key and a type id are identifiers: nothing in them needs escaping
    return "{\"key\":\"" + key(key) + "\",\"type\":\"" + delta.type().id() + "\"}";
  }

  /**
   * The update a {@value #DECISION} decision records: its {@link Decision#knowledge() knowledge
   * update}, with the decision's replica, sequence, saga and time.
   *
   * @throws IllegalArgumentException if the decision is of another kind or carries no update (a
   *     decision of that kind whose payload could not be read as an update)
   */
  public static KnowledgeDelta of(Decision decision) {
    if (!decision.kind().equals(DECISION)) {
      throw new IllegalArgumentException(
          "a " + decision.kind() + " decision is not a knowledge update");
    }
    KnowledgeUpdate update =
        decision
            .knowledge()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "knowledge decision "
                            + decision.key()
                            + " carries no knowledge update (payload: "
                            + decision.payload()
                            + ")"));
    return new KnowledgeDelta(
        update.key(),
        decision.agentId(),
        decision.sequence(),
        decision.sagaId(),
        decision.at(),
        update.delta());
  }
}
