package io.conclave.model.crdt;

import java.util.Map;
import java.util.Set;

/**
 * Grow-only counter: each replica counts its own increments, the value is their sum, and merge
 * keeps each replica's highest count. Size: one entry per replica that ever incremented.
 *
 * <p>Immutable and thread-safe; see {@link Crdt} for the merge laws.
 *
 * @param counts each replica's count, all > 0 (zero counts are dropped), in replica order
 */
public record GCounter(Map<String, Long> counts) implements Crdt {
  public static final GCounter EMPTY = new GCounter(Map.of());

  public GCounter {
    counts = Checks.counts(counts, "count");
  }

  /**
   * The delta of adding {@code n} on {@code replica}: {@code {replica: count(replica) + n}}, or
   * {@link #EMPTY} for 0. Call it on the replica's own view, which holds its count.
   *
   * @throws IllegalArgumentException if {@code n} is negative
   * @throws ArithmeticException if the count would overflow a long
   */
  public GCounter increment(String replica, long n) {
    Checks.replica(replica);
    if (n < 0) {
      throw new IllegalArgumentException("a g-counter cannot go down: increment by " + n);
    }
    return n == 0 ? EMPTY : new GCounter(Map.of(replica, Math.addExact(count(replica), n)));
  }

  /** What {@code replica} has added, as far as this state knows. */
  public long count(String replica) {
    return counts.getOrDefault(replica, 0L);
  }

  /**
   * The sum of all replicas' counts.
   *
   * @throws ArithmeticException if it overflows a long
   */
  public long value() {
    return counts.values().stream().reduce(0L, Math::addExact);
  }

  @Override
  public KnowledgeType type() {
    return KnowledgeType.G_COUNTER;
  }

  @Override
  public GCounter merge(Crdt other) {
    return new GCounter(Checks.max(counts, Checks.sameType(this, other).counts));
  }

  /** The replicas that have incremented. */
  @Override
  public Set<String> replicas() {
    return counts.keySet();
  }
}
