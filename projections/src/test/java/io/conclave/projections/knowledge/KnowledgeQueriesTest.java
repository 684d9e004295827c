package io.conclave.projections.knowledge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.conclave.model.crdt.GCounter;
import io.conclave.model.knowledge.KnowledgeState;
import io.conclave.projections.http.AdvertisedAddress;
import io.conclave.projections.http.NotFoundException;
import io.conclave.projections.http.ProjectionUnavailableException;
import io.conclave.projections.http.Served;
import io.conclave.projections.runtime.KnowledgeSettings;
import io.conclave.projections.runtime.PeerHttp;
import io.micronaut.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.Test;

/**
 * {@link KnowledgeQueries} and {@link KnowledgeController} over fake stores and peers: who answers
 * what.
 */
class KnowledgeQueriesTest {
  private static final HostInfo SELF = new HostInfo("10.0.0.1", 8080);
  private static final HostInfo OTHER = new HostInfo("10.0.0.2", 8080);
  private static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");
  private static final KnowledgeState HERE = state(3);
  private static final KnowledgeState THERE = state(5);

  private final FakeStores stores = new FakeStores();
  private final FakePeers peers = new FakePeers();
  private final KnowledgeQueries queries = new KnowledgeQueries(stores, peers);
  private final KnowledgeController controller =
      new KnowledgeController(
          queries, KnowledgeSettings.defaults(), Clock.fixed(NOW, ZoneOffset.UTC));

  @Test
  void aKeyOfThisInstanceIsReadHereNowOrAsOfATime() {
    stores.metadata.put("mine", new KeyQueryMetadata(SELF, Set.of(), 2));
    stores.latest.put("mine", HERE);
    stores.history.put("mine", THERE);

    assertThat(queries.get("mine", Optional.empty(), false))
        .contains(new KnowledgeEntry("mine", HERE));
    assertThat(queries.get("mine", Optional.of(NOW), true))
        .contains(new KnowledgeEntry("mine", THERE));
    assertThat(stores.reads).containsExactly("latest mine @2", "asOf mine @2 " + NOW);
    assertThat(peers.asked).isEmpty();
  }

  @Test
  void aKeyOfAnotherInstanceIsForwardedThereOnce() {
    stores.metadata.put("theirs", new KeyQueryMetadata(OTHER, Set.of(SELF), 5));
    peers.entries.put("theirs", THERE);

    assertThat(queries.get("theirs", Optional.of(NOW), false))
        .contains(new KnowledgeEntry("theirs", THERE));
    assertThat(peers.asked)
        .containsExactly("get 10.0.0.2:8080 theirs Optional[" + NOW + "] from 10.0.0.1:8080");
    assertThat(stores.reads).isEmpty();

    // a request another instance forwarded here is answered here or not at all
    assertThatThrownBy(() -> queries.get("theirs", Optional.empty(), true))
        .isInstanceOf(ProjectionUnavailableException.class)
        .hasMessageContaining("no longer holds partition 5");
    assertThat(peers.asked).hasSize(1);
  }

  @Test
  void whileNoInstanceHoldsTheKeyOrTheOwnerFailsTheAnswerIs503() {
    stores.metadata.put("moving", KeyQueryMetadata.NOT_AVAILABLE);
    stores.metadata.put("theirs", new KeyQueryMetadata(OTHER, Set.of(), 5));
    peers.failure =
        new ProjectionUnavailableException(
            "10.0.0.2:8080 cannot be reached", null, Duration.ofSeconds(2));

    assertThatThrownBy(() -> queries.get("moving", Optional.empty(), false))
        .isInstanceOf(ProjectionUnavailableException.class)
        .hasMessageContaining("the group is rebalancing");
    assertThatThrownBy(() -> queries.get("theirs", Optional.empty(), false))
        .isSameAs(peers.failure);
  }

  @Test
  void aListingMergesTheInstancesPagesAfterCheckingEachReadItsPartitions() {
    stores.active.put(SELF, Set.of(0, 2));
    stores.active.put(OTHER, Set.of(1));
    stores.page =
        new Served<>(new KnowledgePage(List.of(entry("b"), entry("d")), false), Set.of(0, 2));
    peers.page = new Served<>(new KnowledgePage(List.of(entry("a"), entry("c")), true), Set.of(1));

    KnowledgePage page = queries.list(new KnowledgeListing("", 3));

    assertThat(page)
        .isEqualTo(new KnowledgePage(List.of(entry("a"), entry("b"), entry("c")), true));
    assertThat(peers.asked)
        .containsExactly(
            "page 10.0.0.2:8080 KnowledgeListing[prefix=, limit=3] from 10.0.0.1:8080");
  }

  @Test
  void aListingIsRefusedIfAnInstanceReadOtherPartitionsOrCannotAnswer() {
    stores.active.put(SELF, Set.of(0));
    stores.active.put(OTHER, Set.of(1));
    stores.page = new Served<>(new KnowledgePage(List.of(), false), Set.of(0));
    peers.page = new Served<>(new KnowledgePage(List.of(), false), Set.of());

    assertThatThrownBy(() -> queries.list(new KnowledgeListing("", 3)))
        .isInstanceOf(ProjectionUnavailableException.class)
        .hasMessageStartingWith(
            "10.0.0.2:8080 read partitions [] of the knowledge store instead of [1]");

    peers.failure = new ProjectionUnavailableException("10.0.0.2:8080 cannot be reached", null);
    assertThatThrownBy(() -> queries.list(new KnowledgeListing("", 3))).isSameAs(peers.failure);
  }

  @Test
  void theControllerChecksTheKeyAndTheTimeAndSays404WhenNothingWasMerged() {
    stores.metadata.put("mine", new KeyQueryMetadata(SELF, Set.of(), 2));
    stores.latest.put("mine", HERE);

    HttpResponse<String> ok = controller.get("mine", null, null);
    assertThat(ok.code()).isEqualTo(200);
    assertThat(ok.body()).isEqualTo(KnowledgeJson.render(new KnowledgeEntry("mine", HERE)));
    assertThatThrownBy(() -> controller.get("none", null, null))
        .isInstanceOf(NotFoundException.class)
        .hasMessage("no delta of knowledge key 'none' was merged");
    stores.metadata.put("none", new KeyQueryMetadata(SELF, Set.of(), 2));
    assertThatThrownBy(() -> controller.get("none", "2026-11-24T09:00:00Z", null))
        .isInstanceOf(NotFoundException.class)
        .hasMessage("knowledge key 'none' had no delta made at or before 2026-11-24T09:00:00Z");
    assertThatThrownBy(() -> controller.get("no key", null, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("knowledge key may only contain");
    assertThatThrownBy(() -> controller.get("mine", "2026-01-01T00:00:00Z", null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("older than the knowledge history keeps");
    assertThatThrownBy(() -> controller.list("a b", null, null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aForwardedListingAnswersThisInstancesPartitionsAndNamesThem() {
    stores.page = new Served<>(new KnowledgePage(List.of(entry("a")), false), Set.of(2, 0));

    HttpResponse<String> response = controller.list("", "10", "10.0.0.2:8080");

    assertThat(response.body()).isEqualTo(KnowledgeJson.render(stores.page.page()));
    assertThat(response.getHeaders().get(PeerHttp.PARTITIONS)).isEqualTo("0,2");
    assertThat(peers.asked).isEmpty();
  }

  private static KnowledgeState state(long n) {
    return new KnowledgeState(GCounter.EMPTY.increment("alpha-0", n), NOW.minusSeconds(n), n);
  }

  private static KnowledgeEntry entry(String key) {
    return new KnowledgeEntry(key, HERE);
  }

  private static final class FakeStores implements KnowledgeStores {
    final Map<String, KeyQueryMetadata> metadata = new HashMap<>();
    final Map<String, KnowledgeState> latest = new HashMap<>();
    final Map<String, KnowledgeState> history = new HashMap<>();
    final Map<HostInfo, Set<Integer>> active = new HashMap<>();
    final List<String> reads = new ArrayList<>();
    Served<KnowledgePage> page;

    @Override
    public HostInfo self() {
      return SELF;
    }

    @Override
    public KeyQueryMetadata metadataForKey(String key) {
      return metadata.getOrDefault(key, new KeyQueryMetadata(SELF, Set.of(), 0));
    }

    @Override
    public Optional<KnowledgeState> latest(String key, int partition) {
      reads.add("latest " + key + " @" + partition);
      return Optional.ofNullable(latest.get(key));
    }

    @Override
    public Optional<KnowledgeState> asOf(String key, int partition, Instant at) {
      reads.add("asOf " + key + " @" + partition + " " + at);
      return Optional.ofNullable(history.get(key));
    }

    @Override
    public Served<KnowledgePage> localPage(String prefix, int limit) {
      return page;
    }

    @Override
    public Map<HostInfo, Set<Integer>> activePartitionsByHost() {
      return active;
    }
  }

  private static final class FakePeers implements KnowledgePeers {
    final Map<String, KnowledgeState> entries = new HashMap<>();
    final List<String> asked = new ArrayList<>();
    Served<KnowledgePage> page;
    RuntimeException failure;

    @Override
    public Optional<KnowledgeState> get(
        HostInfo from, HostInfo owner, String key, Optional<Instant> at) {
      asked.add(
          "get "
              + AdvertisedAddress.endpoint(owner)
              + " "
              + key
              + " "
              + at
              + " from "
              + AdvertisedAddress.endpoint(from));
      if (failure != null) {
        throw failure;
      }
      return Optional.ofNullable(entries.get(key));
    }

    @Override
    public CompletableFuture<Served<KnowledgePage>> page(
        HostInfo from, HostInfo peer, KnowledgeListing listing) {
      asked.add(
          "page "
              + AdvertisedAddress.endpoint(peer)
              + " "
              + listing
              + " from "
              + AdvertisedAddress.endpoint(from));
      return failure != null
          ? CompletableFuture.failedFuture(failure)
          : CompletableFuture.completedFuture(page);
    }
  }
}
