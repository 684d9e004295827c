package io.conclave.projections.knowledge;

import io.conclave.model.knowledge.KnowledgeState;
import io.conclave.projections.http.Served;
import io.conclave.projections.runtime.PeerHttp;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.streams.state.HostInfo;

/**
 * {@link KnowledgePeers} over HTTP ({@link PeerHttp}): {@code GET /knowledge/{key}} and {@code GET
 * /knowledge} on the peer, marked as forwarded. Thread-safe.
 */
@Singleton
final class HttpKnowledgePeers implements KnowledgePeers {
  private final PeerHttp http;

  HttpKnowledgePeers(PeerHttp http) {
    this.http = http;
  }

  @Override
  public Optional<KnowledgeState> get(
      HostInfo from, HostInfo owner, String key, Optional<Instant> at) {
    return entry(
        key,
        http.get(
            from,
            owner,
            "/knowledge/"
                + PeerHttp.pathSegment(key)
                + at.map(t -> "?at=" + t.toEpochMilli()).orElse("")));
  }

  @Override
  public CompletableFuture<Served<KnowledgePage>> page(
      HostInfo from, HostInfo peer, KnowledgeListing listing) {
    return http.getAsync(
            from,
            peer,
            "/knowledge?prefix="
                + PeerHttp.queryValue(listing.prefix())
                + "&limit="
                + listing.limit())
        .thenApply(HttpKnowledgePeers::page);
  }

  /**
   * What the owner's answer to a forwarded {@code GET /knowledge/{key}} means: 200 the state, 404
   * none, otherwise as {@link PeerHttp.Answer#failure}; a 200 that does not read as the key's entry
   * is a failure of the owner (503).
   */
  static Optional<KnowledgeState> entry(String key, PeerHttp.Answer answer) {
    switch (answer.status()) {
      case 200 -> {
        KnowledgeEntry entry;
        try {
          entry = KnowledgeJson.entry(answer.body());
        } catch (IllegalArgumentException e) {
          throw answer.unreadable(e);
        }
        if (!entry.key().equals(key)) {
          throw answer.unreadable(
              new IllegalArgumentException("it answered for key '" + entry.key() + "'"));
        }
        return Optional.of(entry.state());
      }
      case 404 -> {
        return Optional.empty();
      }
      default -> throw answer.failure();
    }
  }

  /**
   * What a peer's answer to a forwarded {@code GET /knowledge?prefix=...} means: 200 its page, else
   * as {@link #entry}.
   */
  static Served<KnowledgePage> page(PeerHttp.Answer answer) {
    if (answer.status() != 200) {
      throw answer.failure();
    }
    try {
      return new Served<>(KnowledgeJson.page(answer.body()), answer.partitionsRead());
    } catch (IllegalArgumentException e) {
      throw answer.unreadable(e);
    }
  }
}
