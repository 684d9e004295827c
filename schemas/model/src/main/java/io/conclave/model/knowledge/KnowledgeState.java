package io.conclave.model.knowledge;

import io.conclave.model.crdt.Crdt;
import io.conclave.model.crdt.KnowledgeType;
import java.time.Instant;
import java.util.Objects;

/**
 * The merged knowledge of one key, as the projections' {@code knowledge} store keeps it (and each
 * version of their {@code knowledge-history} store), and so as their changelog of it holds it,
 * which the workers' knowledge feeds start from ({@link io.conclave.schemas.KnowledgeStateSerde}):
 * the join of the deltas merged so far, when the newest of them was made, and how many were merged.
 *
 * <p>{@link #crdt} and {@link #updatedAt} depend only on the set of deltas merged, not on their
 * order or on how often each arrived ({@link Crdt#merge} is a join, and max is too). {@link
 * #deltas} counts delta <em>records</em>: a redelivered delta changes nothing else but is counted
 * again, since telling it apart would mean remembering the id (replica, sequence) of every delta
 * ever merged.
 *
 * <p>Immutable and thread-safe; no nulls.
 *
 * @param crdt the join of the merged deltas; its type is the key's type, set by the key's first
 *     delta
 * @param updatedAt the greatest {@link KnowledgeDelta#at()} of the merged deltas
 * @param deltas how many delta records were merged, redeliveries included; at least 1
 */
public record KnowledgeState(Crdt crdt, Instant updatedAt, long deltas) {
  public KnowledgeState {
    Objects.requireNonNull(crdt, "crdt");
    Objects.requireNonNull(updatedAt, "updatedAt");
    if (deltas < 1) {
      throw new IllegalArgumentException(
          "a knowledge state merges at least one delta, not " + deltas);
    }
  }

  /**
   * The state of a key whose only delta is {@code delta} (its first, or the first at or before some
   * time).
   */
  public static KnowledgeState of(KnowledgeDelta delta) {
    return new KnowledgeState(delta.delta(), delta.at(), 1);
  }

  /**
   * This state with {@code delta} merged in.
   *
   * @throws IllegalArgumentException if the delta is of another type than this state (see {@link
   *     #type()}), or the two cannot be joined
   */
  public KnowledgeState merge(KnowledgeDelta delta) {
    if (delta.delta().type() != type()) {
      throw new IllegalArgumentException(
          "knowledge key '"
              + delta.key()
              + "' holds a "
              + type()
              + "; a delta of type "
              + delta.delta().type()
              + " (replica "
              + delta.replica()
              + ", sequence "
              + delta.sequence()
              + ") cannot be merged into it");
    }
    Instant newest = delta.at().isAfter(updatedAt) ? delta.at() : updatedAt;
    return new KnowledgeState(crdt.merge(delta.delta()), newest, Math.addExact(deltas, 1));
  }

  public KnowledgeType type() {
    return crdt.type();
  }
}
