package io.conclave.model.crdt;

import java.util.Comparator;

/**
 * The unique tag of one OR-Set add: the adding replica and its count of adds so far (1 for its
 * first). Ordered by replica, then counter. Immutable.
 *
 * @param replica the replica that added
 * @param counter its sequence number, >= 1
 */
public record Dot(String replica, long counter) implements Comparable<Dot> {
  private static final Comparator<Dot> ORDER =
      Comparator.comparing(Dot::replica).thenComparingLong(Dot::counter);

  public Dot {
    Checks.replica(replica);
    if (counter < 1) {
      throw new IllegalArgumentException("dot counter must be >= 1, was " + counter);
    }
  }

  @Override
  public int compareTo(Dot other) {
    return ORDER.compare(this, other);
  }

  @Override
  public String toString() {
    return replica + ":" + counter;
  }
}
