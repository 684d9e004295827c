package io.conclave.model.crdt;

import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The set of {@link Dot}s an {@link OrSet} state has seen (added, whether or not since removed),
 * kept compact: for each replica, the counter up to which it has seen every dot, plus the dots seen
 * beyond a gap (the "dot cloud").
 *
 * <p>A gap lasts while a replica's earlier add has not reached this state yet. Replicas of the same
 * key, and the store merging all of its deltas, eventually see every add, so the cloud empties and
 * the size settles at one entry per replica that ever added. A delta that was never published (a
 * replica applied it to its view and crashed before sending it) leaves a permanent gap, after which
 * that replica's later dots stay in the cloud: publish, then apply.
 *
 * <p>Immutable and thread-safe. The constructor compacts, so each set of dots has one
 * representation.
 *
 * @param versions for each replica, the n such that dots 1..n of it have all been seen; n >= 1 (a 0
 *     is left out), in replica order
 * @param cloud the other dots seen, each beyond its replica's version + 1, in dot order
 */
public record CausalContext(Map<String, Long> versions, Set<Dot> cloud) {
  public static final CausalContext EMPTY = new CausalContext(Map.of(), Set.of());

  public CausalContext {
    Map<String, Long> contiguous = new TreeMap<>(Checks.counts(versions, "version"));
    Set<Dot> beyond = new TreeSet<>();
    // in dot order, each replica's dots come by increasing counter, so one pass closes every gap
    // that can close
    for (Dot dot : new TreeSet<>(Checks.present(cloud, "cloud"))) {
      long version = contiguous.getOrDefault(dot.replica(), 0L);
      if (dot.counter() == version + 1) {
        contiguous.put(dot.replica(), dot.counter());
      } else if (dot.counter() > version) {
        beyond.add(dot);
      }
    }
    versions = Collections.unmodifiableMap(contiguous);
    cloud = Collections.unmodifiableSet(beyond);
  }

  /** The context that has seen exactly {@code dots}. */
  public static CausalContext of(Collection<Dot> dots) {
    return new CausalContext(Map.of(), Set.copyOf(dots));
  }

  public boolean contains(Dot dot) {
    return dot.counter() <= versions.getOrDefault(dot.replica(), 0L) || cloud.contains(dot);
  }

  /** Every dot either context has seen. */
  public CausalContext union(CausalContext other) {
    Set<Dot> dots = new TreeSet<>(cloud);
    dots.addAll(other.cloud);
    return new CausalContext(Checks.max(versions, other.versions), dots);
  }

  /**
   * A dot of {@code replica} that this context has not seen: one past the highest of that replica
   * it has seen.
   */
  public Dot next(String replica) {
    long highest = versions.getOrDefault(Checks.replica(replica), 0L);
    for (Dot dot : cloud) {
      if (dot.replica().equals(replica)) {
        highest = Math.max(highest, dot.counter());
      }
    }
    return new Dot(replica, highest + 1);
  }

  /** The replicas with a dot in this context, in id order. */
  public Set<String> replicas() {
    Set<String> all = new TreeSet<>(versions.keySet());
    cloud.forEach(dot -> all.add(dot.replica()));
    return Collections.unmodifiableSet(all);
  }
}
