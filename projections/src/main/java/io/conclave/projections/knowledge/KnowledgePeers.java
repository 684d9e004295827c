package io.conclave.projections.knowledge;

import io.conclave.model.knowledge.KnowledgeState;
import io.conclave.projections.http.ProjectionUnavailableException;
import io.conclave.projections.http.Served;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.streams.state.HostInfo;

/**
 * The other projections instances, asked over their HTTP API with a request marked as forwarded (so
 * that they answer from their own stores or not at all). In service {@link HttpKnowledgePeers}.
 * Thread-safe.
 */
interface KnowledgePeers {
  /**
   * The key's state (now, or as of {@code at}) from {@code owner}; empty if it has none (404).
   *
   * @throws ProjectionUnavailableException if the owner cannot be reached, or cannot answer (it no
   *     longer holds the key, it is rebalancing), or its answer is unreadable
   * @throws IllegalArgumentException if the owner refused the request (400)
   */
  Optional<KnowledgeState> get(HostInfo from, HostInfo owner, String key, Optional<Instant> at);

  /**
   * The page of {@code peer}'s own partitions; the future fails with {@link
   * ProjectionUnavailableException} as {@link #get} throws it.
   */
  CompletableFuture<Served<KnowledgePage>> page(
      HostInfo from, HostInfo peer, KnowledgeListing listing);
}
