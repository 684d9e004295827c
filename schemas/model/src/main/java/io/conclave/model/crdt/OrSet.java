package io.conclave.model.crdt;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Observed-remove set of strings, add-wins: each add tags its element with a fresh {@link Dot}; a
 * remove drops the tags its replica has seen, so an add it has not seen (a concurrent one) survives
 * the merge. The optimized add-wins set of Bieniusa et al. ("An optimized conflict-free replicated
 * set", 2012) in its delta-state form: removed tags leave no tombstones, the {@link CausalContext}
 * remembers them.
 *
 * <p>Size: each present element keeps the tags of its concurrent adds (one per replica at most: an
 * add replaces the tags its replica has seen); the context keeps one counter per replica that ever
 * added, plus the tags of adds still in flight (see {@link CausalContext}). Removed elements cost
 * nothing.
 *
 * <p>Immutable and thread-safe; see {@link Crdt} for the merge laws.
 *
 * @param entries each present element with its live tags (never empty), in element order
 * @param seen every tag this state has seen, including those of removed adds; it holds every tag of
 *     {@code entries}
 */
public record OrSet(Map<String, Set<Dot>> entries, CausalContext seen) implements Crdt {
  public static final OrSet EMPTY = new OrSet(Map.of(), CausalContext.EMPTY);

  public OrSet {
    Checks.present(seen, "seen");
    Map<String, Set<Dot>> sorted = new TreeMap<>();
    Map<Dot, String> tagged = new HashMap<>();
    Checks.present(entries, "entries")
        .forEach(
            (element, dots) -> {
              Checks.present(element, "element");
              if (Checks.present(dots, "tags of " + element).isEmpty()) {
                throw new IllegalArgumentException(
                    "element '" + element + "' has no tags: a removed element is left out");
              }
              for (Dot dot : dots) {
                if (!seen.contains(dot)) {
                  throw new IllegalArgumentException(
                      "tag " + dot + " of '" + element + "' is missing from the context");
                }
                String other = tagged.put(dot, element);
                if (other != null) {
                  throw new IllegalArgumentException(
                      "tag " + dot + " tags both '" + other + "' and '" + element + "'");
                }
              }
              sorted.put(element, Collections.unmodifiableSet(new TreeSet<>(dots)));
            });
    entries = Collections.unmodifiableMap(sorted);
  }

  /**
   * The delta of adding {@code element} on {@code replica}: the element with a tag {@code replica}
   * has not used yet (the next after the highest of its tags this state has seen), and a context of
   * that tag and the element's current tags, which it replaces. Call it on the replica's own view:
   * a view missing the replica's earlier adds would reuse a tag, and an add and the other add of
   * the same tag cancel each other.
   */
  public OrSet add(String replica, String element) {
    Checks.present(element, "element");
    Dot dot = seen.next(replica);
    Set<Dot> replaced = new TreeSet<>(entries.getOrDefault(element, Set.of()));
    replaced.add(dot);
    return new OrSet(Map.of(element, Set.of(dot)), CausalContext.of(replaced));
  }

  /**
   * The delta of removing {@code element}: a context of the element's tags in this state, and no
   * elements; merged, it removes those adds and no other. {@link #EMPTY} if the element is not in
   * this state.
   */
  public OrSet remove(String element) {
    Set<Dot> observed = entries.get(Checks.present(element, "element"));
    return observed == null ? EMPTY : new OrSet(Map.of(), CausalContext.of(observed));
  }

  /** The elements, in order. */
  public Set<String> value() {
    return entries.keySet();
  }

  public boolean contains(String element) {
    return entries.containsKey(element);
  }

  @Override
  public KnowledgeType type() {
    return KnowledgeType.OR_SET;
  }

  @Override
  public OrSet merge(Crdt other) {
    OrSet o = Checks.sameType(this, other);
    Set<String> elements = new TreeSet<>(entries.keySet());
    elements.addAll(o.entries.keySet());
    Map<String, Set<Dot>> merged = new HashMap<>();
    for (String element : elements) {
      Set<Dot> mine = entries.getOrDefault(element, Set.of());
      Set<Dot> theirs = o.entries.getOrDefault(element, Set.of());
      // a tag one side lacks was removed there if that side has seen it, and is news to it
      // otherwise
      Set<Dot> kept = new TreeSet<>();
      mine.stream().filter(dot -> theirs.contains(dot) || !o.seen.contains(dot)).forEach(kept::add);
      theirs.stream().filter(dot -> !seen.contains(dot)).forEach(kept::add);
      if (!kept.isEmpty()) {
        merged.put(element, kept);
      }
    }
    return new OrSet(merged, seen.union(o.seen));
  }

  /** The replicas whose adds this state has seen, including adds since removed. */
  @Override
  public Set<String> replicas() {
    return seen.replicas();
  }
}
