package io.conclave.model.crdt;

import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;

/**
 * Counter that goes up and down: two {@link GCounter}s, one of increments and one of decrements;
 * the value is their difference. Size: up to two entries per replica that ever updated it.
 *
 * <p>Immutable and thread-safe; see {@link Crdt} for the merge laws.
 *
 * @param increments what each replica added
 * @param decrements what each replica subtracted
 */
public record PNCounter(GCounter increments, GCounter decrements) implements Crdt {
  public static final PNCounter EMPTY = new PNCounter(GCounter.EMPTY, GCounter.EMPTY);

  public PNCounter {
    Checks.present(increments, "increments");
    Checks.present(decrements, "decrements");
  }

  /**
   * The delta of adding {@code n} on {@code replica}: its increments count becomes {@code
   * increments(replica) + n}.
   *
   * @throws IllegalArgumentException if {@code n} is negative
   * @see GCounter#increment
   */
  public PNCounter increment(String replica, long n) {
    return new PNCounter(increments.increment(replica, n), GCounter.EMPTY);
  }

  /**
   * The delta of subtracting {@code n} on {@code replica}: its decrements count becomes {@code
   * decrements(replica) + n}.
   *
   * @throws IllegalArgumentException if {@code n} is negative
   * @see GCounter#increment
   */
  public PNCounter decrement(String replica, long n) {
    return new PNCounter(GCounter.EMPTY, decrements.increment(replica, n));
  }

  /**
   * Increments minus decrements.
   *
   * @throws ArithmeticException if it overflows a long
   */
  public long value() {
    return Math.subtractExact(increments.value(), decrements.value());
  }

  @Override
  public KnowledgeType type() {
    return KnowledgeType.PN_COUNTER;
  }

  @Override
  public PNCounter merge(Crdt other) {
    PNCounter o = Checks.sameType(this, other);
    return new PNCounter(increments.merge(o.increments), decrements.merge(o.decrements));
  }

  /** The replicas that have incremented or decremented. */
  @Override
  public Set<String> replicas() {
    Set<String> all = new TreeSet<>(increments.replicas());
    all.addAll(decrements.replicas());
    return Collections.unmodifiableSet(all);
  }
}
