package io.conclave.model;

import java.util.AbstractMap;
import java.util.Collections;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * An unmodifiable sorted map whose entries a record already checked, and owns: a record's
 * constructor that is given one knows it need not copy and check every entry again. Folds make a
 * new record per event, and copying and checking a whole map each time would make an event's cost
 * grow with the map.
 */
public final class CheckedMap<V> extends AbstractMap<String, V> {
  private final SortedMap<String, V> sorted;

  /**
   * @param sorted entries already checked; the caller gives them up
   */
  public CheckedMap(TreeMap<String, V> sorted) {
    this.sorted = Collections.unmodifiableSortedMap(sorted);
  }

  /** A modifiable copy, made in linear time (the entries are sorted already). */
  public TreeMap<String, V> copy() {
    return new TreeMap<>(sorted);
  }

  @Override
  public Set<Entry<String, V>> entrySet() {
    return sorted.entrySet();
  }

  @Override
  public V get(Object key) {
    return sorted.get(key);
  }

  @Override
  public boolean containsKey(Object key) {
    return sorted.containsKey(key);
  }

  @Override
  public int size() {
    return sorted.size();
  }
}
