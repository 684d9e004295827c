package io.conclave.projections.knowledge;

import io.conclave.model.knowledge.KnowledgeState;
import io.conclave.projections.http.AdvertisedAddress;
import io.conclave.projections.http.FanOut;
import io.conclave.projections.http.ProjectionUnavailableException;
import io.conclave.projections.http.QueryRoute;
import io.conclave.projections.http.Served;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.Optional;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers knowledge queries over every projections instance of the group: a key is answered by the
 * instance holding its partition (this one from its store, another by forwarding the request
 * there), a listing by asking every instance for its partitions and merging the pages. It answers
 * the whole truth or {@link ProjectionUnavailableException} (503): never a value from a partition
 * this instance does not hold, never a listing missing a partition. Thread-safe.
 */
@Singleton
public final class KnowledgeQueries {
  private static final Logger log = LoggerFactory.getLogger(KnowledgeQueries.class);
  private static final String STORE = "the knowledge store";

  private final KnowledgeStores stores;
  private final KnowledgePeers peers;

  KnowledgeQueries(KnowledgeStores stores, KnowledgePeers peers) {
    this.stores = stores;
    this.peers = peers;
  }

  /**
   * The key's state now, or as of {@code at}; empty if no delta of it was merged (by then).
   *
   * @param forwarded whether another instance forwarded the query here (see {@link QueryRoute#of})
   * @throws ProjectionUnavailableException if it cannot be answered now
   */
  Optional<KnowledgeEntry> get(String key, Optional<Instant> at, boolean forwarded) {
    HostInfo self = stores.self();
    QueryRoute route =
        QueryRoute.of("knowledge key '" + key + "'", stores.metadataForKey(key), self, forwarded);
    Optional<KnowledgeState> state =
        route.answer(
            partition ->
                at.isPresent()
                    ? stores.asOf(key, partition, at.get())
                    : stores.latest(key, partition),
            forward -> {
              log.debug(
                  "knowledge key '{}' is in partition {} on {}: forwarding",
                  key,
                  forward.partition(),
                  AdvertisedAddress.endpoint(forward.owner()));
              return peers.get(self, forward.owner(), key, at);
            });
    return state.map(s -> new KnowledgeEntry(key, s));
  }

  /**
   * The listing over every instance: the first {@code listing.limit()} keys starting with the
   * prefix, by key.
   *
   * @throws ProjectionUnavailableException if some partition cannot be read now (see {@link
   *     FanOut})
   */
  KnowledgePage list(KnowledgeListing listing) {
    HostInfo self = stores.self();
    return KnowledgePage.merge(
        FanOut.gather(
            STORE,
            self,
            stores.activePartitionsByHost(),
            host -> peers.page(self, host, listing),
            () -> stores.localPage(listing.prefix(), listing.limit())),
        listing.limit());
  }

  /** This instance's part of a listing another instance fans out. */
  Served<KnowledgePage> localPage(KnowledgeListing listing) {
    return stores.localPage(listing.prefix(), listing.limit());
  }
}
