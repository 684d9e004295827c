package io.conclave.projections.http;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.kafka.streams.state.HostInfo;

/**
 * The checks that make a listing over every projections instance whole or refused: each partition
 * of a store (the knowledge store, the sagas) is read exactly once, by the instance the group
 * assigned it to, or the answer is 503 (the group is rebalancing). A listing merged from pages that
 * missed a partition would look complete and not be.
 */
public final class FanOut {
  private FanOut() {}

  /**
   * The pages of every instance holding partitions of the store, as {@link #plan} plans it: the
   * other instances asked through {@code ask} (all at once, before this one reads its own through
   * {@code local}), each page checked with {@link #check}.
   *
   * @param store the store as the answer names it, e.g. {@code the knowledge store}
   * @param activeByHost the active partitions of the store per instance, as Kafka Streams knows
   *     them
   * @throws ProjectionUnavailableException if some partition cannot be read now, or an instance
   *     cannot answer
   * @throws IllegalArgumentException if an instance refused the request (400)
   */
  public static <P> List<P> gather(
      String store,
      HostInfo self,
      Map<HostInfo, Set<Integer>> activeByHost,
      Function<HostInfo, CompletableFuture<Served<P>>> ask,
      Supplier<Served<P>> local) {
    Map<HostInfo, Set<Integer>> plan = plan(store, activeByHost);
    Map<HostInfo, CompletableFuture<Served<P>>> asked = new LinkedHashMap<>();
    plan.keySet().stream()
        .filter(host -> !host.equals(self))
        .forEach(host -> asked.put(host, ask.apply(host)));
    List<P> pages = new ArrayList<>();
    if (plan.containsKey(self)) {
      Served<P> mine = local.get();
      check(store, self, plan.get(self), mine.partitions());
      pages.add(mine.page());
    }
    for (Map.Entry<HostInfo, CompletableFuture<Served<P>>> answer : asked.entrySet()) {
      Served<P> theirs = join(answer.getValue());
      check(store, answer.getKey(), plan.get(answer.getKey()), theirs.partitions());
      pages.add(theirs.page());
    }
    return pages;
  }

  private static <P> Served<P> join(CompletableFuture<Served<P>> page) {
    try {
      return page.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      throw e;
    }
  }

  /**
   * The instances to ask and the partitions each should read, from the active partitions of the
   * store per instance as Kafka Streams knows them; instances without any are left out.
   *
   * @param store the store as the answer names it, e.g. {@code the knowledge store}
   * @throws ProjectionUnavailableException unless the partitions are 0 to n-1, each held by one
   *     instance
   */
  public static Map<HostInfo, Set<Integer>> plan(
      String store, Map<HostInfo, Set<Integer>> activeByHost) {
    Map<HostInfo, Set<Integer>> plan =
        new TreeMap<>(
            (a, b) -> AdvertisedAddress.endpoint(a).compareTo(AdvertisedAddress.endpoint(b)));
    TreeMap<Integer, HostInfo> owners = new TreeMap<>();
    activeByHost.forEach(
        (host, partitions) -> {
          if (partitions.isEmpty()) {
            return;
          }
          for (int p : partitions) {
            HostInfo other = owners.put(p, host);
            if (other != null) {
              throw unavailable(
                  "partition "
                      + p
                      + " of "
                      + store
                      + " is held by both "
                      + AdvertisedAddress.endpoint(other)
                      + " and "
                      + AdvertisedAddress.endpoint(host));
            }
          }
          plan.put(host, Set.copyOf(partitions));
        });
    if (owners.isEmpty()) {
      throw unavailable("no projections instance holds " + store + " yet");
    }
    int expected = owners.lastKey() + 1;
    if (owners.size() != expected) {
      Set<Integer> missing = new TreeSet<>();
      for (int p = 0; p < expected; p++) {
        if (!owners.containsKey(p)) {
          missing.add(p);
        }
      }
      throw unavailable("no projections instance holds partitions " + missing + " of " + store);
    }
    return plan;
  }

  /**
   * Checks that {@code host} read exactly the partitions it was asked for.
   *
   * @throws ProjectionUnavailableException if not (its assignment changed in between)
   */
  public static void check(
      String store, HostInfo host, Set<Integer> expected, Set<Integer> served) {
    if (!expected.equals(served)) {
      throw unavailable(
          AdvertisedAddress.endpoint(host)
              + " read partitions "
              + sorted(served)
              + " of "
              + store
              + " instead of "
              + sorted(expected));
    }
  }

  private static String sorted(Set<Integer> partitions) {
    return partitions.stream()
        .sorted()
        .map(String::valueOf)
        .collect(Collectors.joining(", ", "[", "]"));
  }

  private static ProjectionUnavailableException unavailable(String why) {
    return new ProjectionUnavailableException(
        why + " (the group is rebalancing); retry shortly", null);
  }
}
