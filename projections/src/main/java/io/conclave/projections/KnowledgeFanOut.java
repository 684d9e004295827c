package io.conclave.projections;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.kafka.streams.state.HostInfo;

/**
 * The checks that make a listing over every projections instance whole or refused: each partition of the knowledge
 * store is read exactly once, by the instance the group assigned it to, or the answer is 503 (the group is
 * rebalancing). A listing merged from pages that missed a partition would look complete and not be.
 */
final class KnowledgeFanOut {
  private KnowledgeFanOut() {}

  /**
   * The instances to ask and the partitions each should read, from the active partitions of the knowledge store per
   * instance as Kafka Streams knows them; instances without any are left out.
   *
   * @throws ProjectionUnavailableException unless the partitions are 0 to n-1, each held by one instance
   */
  static Map<HostInfo, Set<Integer>> plan(Map<HostInfo, Set<Integer>> activeByHost) {
    Map<HostInfo, Set<Integer>> plan = new TreeMap<>((a, b) -> AdvertisedAddress.endpoint(a)
        .compareTo(AdvertisedAddress.endpoint(b)));
    TreeMap<Integer, HostInfo> owners = new TreeMap<>();
    activeByHost.forEach((host, partitions) -> {
      if (partitions.isEmpty()) {
        return;
      }
      for (int p : partitions) {
        HostInfo other = owners.put(p, host);
        if (other != null) {
          throw unavailable("partition " + p + " of the knowledge store is held by both "
              + AdvertisedAddress.endpoint(other) + " and " + AdvertisedAddress.endpoint(host));
        }
      }
      plan.put(host, Set.copyOf(partitions));
    });
    if (owners.isEmpty()) {
      throw unavailable("no projections instance holds the knowledge store yet");
    }
    int expected = owners.lastKey() + 1;
    if (owners.size() != expected) {
      Set<Integer> missing = new TreeSet<>();
      for (int p = 0; p < expected; p++) {
        if (!owners.containsKey(p)) {
          missing.add(p);
        }
      }
      throw unavailable("no projections instance holds partitions " + missing + " of the knowledge store");
    }
    return plan;
  }

  /**
   * Checks that {@code host} read exactly the partitions it was asked for.
   *
   * @throws ProjectionUnavailableException if not (its assignment changed in between)
   */
  static void check(HostInfo host, Set<Integer> expected, Set<Integer> served) {
    if (!expected.equals(served)) {
      throw unavailable(AdvertisedAddress.endpoint(host) + " read partitions " + sorted(served)
          + " of the knowledge store instead of " + sorted(expected));
    }
  }

  private static String sorted(Set<Integer> partitions) {
    return partitions.stream().sorted().map(String::valueOf).collect(Collectors.joining(", ", "[", "]"));
  }

  private static ProjectionUnavailableException unavailable(String why) {
    return new ProjectionUnavailableException(why + " (the group is rebalancing); retry shortly", null);
  }
}
