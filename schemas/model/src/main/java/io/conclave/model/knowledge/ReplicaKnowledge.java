package io.conclave.model.knowledge;

import io.conclave.model.CheckedMap;
import io.conclave.model.Require;
import io.conclave.model.crdt.Crdt;
import io.conclave.model.eventlog.Decision;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What one agent instance (a replica of the shared knowledge) knows of each knowledge key it
 * updated: the merge of its own {@value KnowledgeDelta#DECISION} decisions. A replica makes its
 * next delta from this view (its next OR-Set tag, its own count, a stamp after the one it saw), so
 * the view is part of the agent's log: folded with the agent's state, kept in its snapshots,
 * rebuilt wherever the instance moves. Other replicas' updates are not in it; the projections merge
 * everyone's. Immutable.
 *
 * @param byKey each key's state, in key order
 */
public record ReplicaKnowledge(Map<String, Crdt> byKey) {
  public static final ReplicaKnowledge EMPTY = new ReplicaKnowledge(Map.of());

  public ReplicaKnowledge {
    if (!(byKey instanceof CheckedMap)) {
      TreeMap<String, Crdt> sorted = new TreeMap<>();
      Require.present(byKey, "byKey")
          .forEach(
              (key, crdt) ->
                  sorted.put(KnowledgeDelta.key(key), Require.present(crdt, "state of " + key)));
      byKey = new CheckedMap<>(sorted);
    }
  }

  /**
   * Starts a change of this view: decisions are merged into a small map of the keys they touch, and
   * {@link Changes#build} copies the view once, however many decisions were merged. Updating a view
   * one decision at a time would copy (and check) every key per decision.
   */
  public Changes change() {
    return new Changes(this);
  }

  /** The key's state in this view, if this replica updated it. */
  public Optional<Crdt> get(String key) {
    return Optional.ofNullable(byKey.get(key));
  }

  /**
   * The view after a decision of the agent: a {@value KnowledgeDelta#DECISION} decision merges its
   * delta; any other decision changes nothing.
   *
   * @throws IllegalArgumentException if the decision is not a well-formed update, or its delta is
   *     of another type than the key's state
   */
  public ReplicaKnowledge apply(Decision decision) {
    Changes changes = change();
    changes.apply(decision);
    return changes.build();
  }

  /**
   * A view being changed by decisions, one owner at a time: the view it began from and the keys
   * changed since. Not thread-safe.
   */
  public static final class Changes {
    private final ReplicaKnowledge base;
    private final Map<String, Crdt> changed = new HashMap<>();

    private Changes(ReplicaKnowledge base) {
      this.base = base;
    }

    /** The key's state with the changes so far. */
    public Optional<Crdt> get(String key) {
      Crdt c = changed.get(key);
      return c != null ? Optional.of(c) : base.get(key);
    }

    /**
     * Merges a decision, as {@link ReplicaKnowledge#apply} does.
     *
     * @throws IllegalArgumentException if the decision is not a well-formed update, or its delta is
     *     of another type than the key's state (the changes are then as they were)
     */
    public void apply(Decision decision) {
      if (!decision.kind().equals(KnowledgeDelta.DECISION)) {
        return;
      }
      KnowledgeDelta delta = KnowledgeDelta.of(decision);
      Crdt merged =
          get(delta.key()).map(current -> current.merge(delta.delta())).orElse(delta.delta());
      changed.put(delta.key(), merged);
    }

    /** The view with every change merged: the view it began from when nothing changed. */
    public ReplicaKnowledge build() {
      if (changed.isEmpty()) {
        return base;
      }
      TreeMap<String, Crdt> next = ((CheckedMap<Crdt>) base.byKey).copy();
      next.putAll(changed);
      return new ReplicaKnowledge(new CheckedMap<>(next));
    }
  }
}
