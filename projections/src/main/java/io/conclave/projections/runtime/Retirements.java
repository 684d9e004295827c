package io.conclave.projections.runtime;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * When the entries of a store retire: an index store keyed {@code <epoch millis, 13 digits>/<id>},
 * so the entries due by a time are one range from its start, and a sweep costs what it retires, not
 * what the store holds. Used by the processors that keep the projections' sagas and submissions for
 * the saga retention only.
 */
public final class Retirements {
  private static final String FIRST = "0000000000000";

  private Retirements() {}

  /** The index key of {@code id}, due at {@code at}. */
  public static String key(Instant at, String id) {
    return String.format("%013d/%s", Math.max(0, at.toEpochMilli()), id);
  }

  /**
   * How often a processor sweeps: often enough that an entry outlives its retention by at most a
   * tenth of it.
   */
  public static Duration sweepEvery(Duration retention) {
    long ms =
        Math.max(1_000, Math.min(retention.toMillis() / 10, Duration.ofMinutes(10).toMillis()));
    return Duration.ofMillis(ms);
  }

  /**
   * Removes every index entry due at or before {@code cutoff}, and from {@code store} the id of
   * each for which {@code due} holds (the entry may have changed since it was indexed: a task
   * submitted again, a saga started anew).
   *
   * @return the values removed from {@code store}
   */
  public static <V> List<V> sweep(
      KeyValueStore<String, String> index,
      KeyValueStore<String, V> store,
      Instant cutoff,
      Predicate<V> due) {
    List<KeyValue<String, String>> expired = new ArrayList<>();
    // collected first: the store is changed after the iterator is closed
    try (KeyValueIterator<String, String> it =
        index.range(FIRST, String.format("%013d/\uffff", cutoff.toEpochMilli()))) {
      it.forEachRemaining(expired::add);
    }
    List<V> removed = new ArrayList<>();
    for (KeyValue<String, String> entry : expired) {
      V value = store.get(entry.value);
      if (value != null && due.test(value)) {
        store.delete(entry.value);
        removed.add(value);
      }
      index.delete(entry.key);
    }
    return removed;
  }
}
