package io.conclave.model.crdt;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/** Argument checks and canonical copies shared by the CRDT records. */
final class Checks {
  private Checks() {}

  static String replica(String replica) {
    Objects.requireNonNull(replica, "replica is required");
    if (replica.isBlank()) {
      throw new IllegalArgumentException("replica must not be blank");
    }
    return replica;
  }

  static <T> T present(T value, String field) {
    return Objects.requireNonNull(value, () -> field + " is required");
  }

  /**
   * {@code other} as the type of {@code self}.
   *
   * @throws IllegalArgumentException if it is another type
   */
  @SuppressWarnings(
      "unchecked") // the permitted types are records, so equal kinds mean equal classes
  static <T extends Crdt> T sameType(T self, Crdt other) {
    present(other, "other");
    if (other.type() != self.type()) {
      throw new IllegalArgumentException(
          "cannot merge "
              + other.type()
              + " into "
              + self.type()
              + ": a knowledge key has one type");
    }
    return (T) other;
  }

  /**
   * Counts per replica in canonical form: every count >= 0, zeros left out (a replica that counted
   * nothing is not there), unmodifiable, in replica order.
   *
   * @param what what a count is, for the error message
   */
  static Map<String, Long> counts(Map<String, Long> counts, String what) {
    Map<String, Long> positive = new TreeMap<>();
    present(counts, what + "s")
        .forEach(
            (replica, n) -> {
              replica(replica);
              if (present(n, what + " of " + replica) < 0) {
                throw new IllegalArgumentException(
                    what + " of " + replica + " must be >= 0, was " + n);
              }
              if (n > 0) {
                positive.put(replica, n);
              }
            });
    return Collections.unmodifiableMap(positive);
  }

  /** Each replica's greater count of the two. */
  static Map<String, Long> max(Map<String, Long> a, Map<String, Long> b) {
    Map<String, Long> max = new TreeMap<>(a);
    b.forEach((replica, n) -> max.merge(replica, n, Math::max));
    return max;
  }

  /** An unmodifiable copy in key order, so that equal contents iterate (and encode) alike. */
  static <K extends Comparable<K>, V> Map<K, V> sorted(Map<K, V> map) {
    return Collections.unmodifiableMap(new TreeMap<>(map));
  }
}
