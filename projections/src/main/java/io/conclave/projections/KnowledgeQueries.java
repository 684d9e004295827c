package io.conclave.projections;

import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers knowledge queries over every projections instance of the group: a key is answered by the instance holding
 * its partition (this one from its store, another by forwarding the request there), a listing by asking every
 * instance for its partitions and merging the pages. It answers the whole truth or
 * {@link ProjectionUnavailableException} (503): never a value from a partition this instance does not hold, never a
 * listing missing a partition. Thread-safe.
 */
@Singleton
final class KnowledgeQueries {
  private static final Logger log = LoggerFactory.getLogger(KnowledgeQueries.class);

  private final KnowledgeStores stores;
  private final KnowledgePeers peers;

  KnowledgeQueries(KnowledgeStores stores, KnowledgePeers peers) {
    this.stores = stores;
    this.peers = peers;
  }

  /**
   * The key's state now, or as of {@code at}; empty if no delta of it was merged (by then).
   *
   * @param forwarded whether another instance forwarded the query here (see {@link KnowledgeRoute#of})
   * @throws ProjectionUnavailableException if it cannot be answered now
   */
  Optional<KnowledgeEntry> get(String key, Optional<Instant> at, boolean forwarded) {
    HostInfo self = stores.self();
    KnowledgeRoute route = KnowledgeRoute.of(key, stores.metadataForKey(key), self, forwarded);
    Optional<KnowledgeState> state;
    if (route instanceof KnowledgeRoute.Local local) {
      state = at.isPresent() ? stores.asOf(key, local.partition(), at.get()) : stores.latest(key, local.partition());
    } else if (route instanceof KnowledgeRoute.Forward forward) {
      log.debug("knowledge key '{}' is in partition {} on {}: forwarding", key, forward.partition(),
          AdvertisedAddress.endpoint(forward.owner()));
      state = peers.get(self, forward.owner(), key, at);
    } else {
      throw new ProjectionUnavailableException(((KnowledgeRoute.Unavailable) route).reason(), null);
    }
    return state.map(s -> new KnowledgeEntry(key, s));
  }

  /**
   * The listing over every instance: the first {@code listing.limit()} keys starting with the prefix, by key.
   *
   * @throws ProjectionUnavailableException if some partition cannot be read now (see {@link KnowledgeFanOut})
   */
  KnowledgePage list(KnowledgeListing listing) {
    HostInfo self = stores.self();
    Map<HostInfo, Set<Integer>> plan = KnowledgeFanOut.plan(stores.activePartitionsByHost());
    Map<HostInfo, CompletableFuture<ServedPage>> asked = new LinkedHashMap<>();
    // the others first, so that their answers come while this instance reads its own
    plan.keySet().stream().filter(host -> !host.equals(self))
        .forEach(host -> asked.put(host, peers.page(self, host, listing)));
    List<KnowledgePage> pages = new ArrayList<>();
    if (plan.containsKey(self)) {
      ServedPage local = stores.localPage(listing.prefix(), listing.limit());
      KnowledgeFanOut.check(self, plan.get(self), local.partitions());
      pages.add(local.page());
    }
    for (Map.Entry<HostInfo, CompletableFuture<ServedPage>> answer : asked.entrySet()) {
      ServedPage page = join(answer.getValue());
      KnowledgeFanOut.check(answer.getKey(), plan.get(answer.getKey()), page.partitions());
      pages.add(page.page());
    }
    return KnowledgePage.merge(pages, listing.limit());
  }

  /** This instance's part of a listing another instance fans out. */
  ServedPage localPage(KnowledgeListing listing) {
    return stores.localPage(listing.prefix(), listing.limit());
  }

  private static ServedPage join(CompletableFuture<ServedPage> page) {
    try {
      return page.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      throw e;
    }
  }
}
