package io.conclave.projections.knowledge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.conclave.model.crdt.GCounter;
import io.conclave.model.knowledge.KnowledgeState;
import io.conclave.projections.http.AdvertisedAddress;
import io.conclave.projections.http.FanOut;
import io.conclave.projections.http.ProjectionUnavailableException;
import io.conclave.projections.http.QueryRoute;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.Test;

/**
 * The pure decisions of the knowledge API across instances: route a key, plan and check a fan-out,
 * merge pages.
 */
class QueryRoutingTest {
  private static final HostInfo SELF = new HostInfo("10.0.0.1", 8080);
  private static final HostInfo OTHER = new HostInfo("10.0.0.2", 8080);
  private static final HostInfo THIRD = new HostInfo("10.0.0.3", 8080);

  @Test
  void aKeyIsAnsweredHereIfThisInstanceHoldsItsPartitionElseForwardedOnce() {
    var here = new KeyQueryMetadata(SELF, Set.of(OTHER), 3);
    var there = new KeyQueryMetadata(OTHER, Set.of(), 4);

    assertThat(QueryRoute.of("knowledge key 'k'", here, SELF, false))
        .isEqualTo(new QueryRoute.Local(3));
    assertThat(QueryRoute.of("knowledge key 'k'", here, SELF, true))
        .isEqualTo(new QueryRoute.Local(3));
    assertThat(QueryRoute.of("knowledge key 'k'", there, SELF, false))
        .isEqualTo(new QueryRoute.Forward(OTHER, 4));
    assertThat(QueryRoute.of("knowledge key 'k'", there, SELF, true))
        .isInstanceOfSatisfying(
            QueryRoute.Unavailable.class,
            u ->
                assertThat(u.reason())
                    .isEqualTo(
                        "this instance (10.0.0.1:8080) no longer holds partition 4 of knowledge "
                            + "key 'k'; 10.0.0.2:8080 does now (the group is rebalancing); retry shortly"));
    assertThat(QueryRoute.of("knowledge key 'k'", KeyQueryMetadata.NOT_AVAILABLE, SELF, false))
        .isInstanceOfSatisfying(
            QueryRoute.Unavailable.class,
            u ->
                assertThat(u.reason())
                    .isEqualTo(
                        "no projections instance holds the partition of knowledge key 'k' now (the group is "
                            + "rebalancing); retry shortly"));
    assertThat(
            QueryRoute.of(
                "knowledge key 'k'",
                new KeyQueryMetadata(HostInfo.unavailable(), Set.of(), 0),
                SELF,
                false))
        .isInstanceOf(QueryRoute.Unavailable.class);
  }

  @Test
  void aFanOutAsksEachInstanceForItsPartitionsWhenEveryPartitionHasOneOwner() {
    var plan =
        FanOut.plan(
            "the knowledge store",
            Map.of(SELF, Set.of(0, 2), OTHER, Set.of(1, 3), THIRD, Set.of()));

    assertThat(plan).isEqualTo(Map.of(SELF, Set.of(0, 2), OTHER, Set.of(1, 3)));
  }

  @Test
  void aFanOutThatWouldMissOrDoubleAPartitionIsRefused() {
    assertThatThrownBy(
            () -> FanOut.plan("the knowledge store", Map.of(SELF, Set.of(0, 2), OTHER, Set.of(3))))
        .isInstanceOf(ProjectionUnavailableException.class)
        .hasMessage(
            "no projections instance holds partitions [1] of the knowledge store (the group is rebalancing); "
                + "retry shortly");
    assertThatThrownBy(
            () -> FanOut.plan("the knowledge store", Map.of(SELF, Set.of(0, 1), OTHER, Set.of(1))))
        .isInstanceOf(ProjectionUnavailableException.class)
        .hasMessageContaining("partition 1 of the knowledge store is held by both");
    assertThatThrownBy(() -> FanOut.plan("the knowledge store", Map.of(SELF, Set.of())))
        .isInstanceOf(ProjectionUnavailableException.class)
        .hasMessageStartingWith("no projections instance holds the knowledge store yet");
    assertThatThrownBy(() -> FanOut.check("the knowledge store", OTHER, Set.of(1, 3), Set.of(1)))
        .isInstanceOf(ProjectionUnavailableException.class)
        .hasMessageStartingWith(
            "10.0.0.2:8080 read partitions [1] of the knowledge store instead of [1, 3]");
    FanOut.check("the knowledge store", OTHER, Set.of(1, 3), Set.of(3, 1));
  }

  @Test
  void pagesMergeByKeyUpToTheLimitAndSayWhenTheyLeftEntriesOut() {
    var a = entry("a");
    var b = entry("b");
    var c = entry("c");
    var d = entry("d");

    assertThat(KnowledgePage.merge(List.of(page(false, b, d), page(false, a, c)), 10))
        .isEqualTo(page(false, a, b, c, d));
    assertThat(KnowledgePage.merge(List.of(page(false, b, d), page(false, a, c)), 3))
        .isEqualTo(page(true, a, b, c));
    assertThat(KnowledgePage.merge(List.of(page(false, b, d), page(false, a, c)), 4))
        .isEqualTo(page(false, a, b, c, d));
    assertThat(KnowledgePage.merge(List.of(page(true, b), page(false, a)), 5))
        .isEqualTo(page(true, a, b));
    assertThat(KnowledgePage.merge(List.of(), 5)).isEqualTo(page(false));
  }

  @Test
  void theAdvertisedAddressIsConfiguredOrTheServersHostAndBoundPort() {
    assertThat(AdvertisedAddress.of(null, null, "127.0.0.1", () -> "box").at(41_234))
        .isEqualTo(new HostInfo("127.0.0.1", 41_234));
    assertThat(AdvertisedAddress.of(null, null, "0.0.0.0", () -> "box").at(8080))
        .isEqualTo(new HostInfo("box", 8080));
    assertThat(AdvertisedAddress.of(null, null, null, () -> "box").at(8080))
        .isEqualTo(new HostInfo("box", 8080));
    assertThat(AdvertisedAddress.of("pod-1.projections", 80, "0.0.0.0", () -> "box").at(8080))
        .isEqualTo(new HostInfo("pod-1.projections", 80));
    assertThat(AdvertisedAddress.of(" ", null, "::", () -> "box"))
        .isEqualTo(new AdvertisedAddress("box", OptionalInt.empty()));
    assertThat(AdvertisedAddress.endpoint(new HostInfo("::1", 8080))).isEqualTo("[::1]:8080");
    assertThat(AdvertisedAddress.endpoint(new HostInfo("box", 8080))).isEqualTo("box:8080");
    assertThatThrownBy(() -> AdvertisedAddress.of(null, 0, "h", () -> "box"))
        .hasMessage("the advertised port must be 1 to 65535, was 0");
  }

  private static KnowledgeEntry entry(String key) {
    return new KnowledgeEntry(
        key, new KnowledgeState(GCounter.EMPTY.increment("r", 1), Instant.EPOCH, 1));
  }

  private static KnowledgePage page(boolean truncated, KnowledgeEntry... entries) {
    return new KnowledgePage(List.of(entries), truncated);
  }
}
