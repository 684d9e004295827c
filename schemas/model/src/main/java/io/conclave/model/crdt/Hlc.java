package io.conclave.model.crdt;

/**
 * A hybrid logical clock timestamp (Kulkarni et al., "Logical Physical Clocks", 2014): physical
 * milliseconds since the epoch, plus a logical counter that orders events within one millisecond,
 * or while the physical clock is behind a timestamp already seen. Ordered by millis, then counter.
 * Immutable; made by a {@link HybridClock}.
 *
 * @param millis physical time in milliseconds since the epoch, >= 0
 * @param counter logical counter within {@code millis}, >= 0
 */
public record Hlc(long millis, int counter) implements Comparable<Hlc> {
  public static final Hlc ZERO = new Hlc(0, 0);

  public Hlc {
    if (millis < 0) {
      throw new IllegalArgumentException("hlc millis must be >= 0, was " + millis);
    }
    if (counter < 0) {
      throw new IllegalArgumentException("hlc counter must be >= 0, was " + counter);
    }
  }

  @Override
  public int compareTo(Hlc other) {
    int byMillis = Long.compare(millis, other.millis);
    return byMillis != 0 ? byMillis : Integer.compare(counter, other.counter);
  }

  @Override
  public String toString() {
    return millis + "." + counter;
  }
}
