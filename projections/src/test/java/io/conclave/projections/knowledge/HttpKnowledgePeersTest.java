package io.conclave.projections.knowledge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.conclave.model.crdt.GCounter;
import io.conclave.model.knowledge.KnowledgeState;
import io.conclave.projections.http.AdvertisedAddress;
import io.conclave.projections.http.ProjectionUnavailableException;
import io.conclave.projections.http.Served;
import io.conclave.projections.runtime.PeerHttp;
import io.micronaut.http.context.ServerRequestContext;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Forwarding to another projections instance over HTTP, against a stand-in server (the JDK's). */
class HttpKnowledgePeersTest {
  private static final HostInfo SELF = new HostInfo("127.0.0.1", 8080);
  private static final KnowledgeState STATE =
      new KnowledgeState(
          GCounter.EMPTY.increment("alpha-0", 2), Instant.parse("2026-11-24T10:00:00Z"), 2);

  private final PeerHttp http = new PeerHttp(Duration.ofSeconds(5));
  private final HttpKnowledgePeers peers = new HttpKnowledgePeers(http);
  private final List<String> requests = new ArrayList<>();
  private final List<String> authorizations = new ArrayList<>();
  private HttpServer server;
  private HostInfo owner;

  /** The next answer: status, body, headers. */
  private int status;

  private String body;
  private Map<String, String> headers = Map.of();

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          requests.add(
              exchange.getRequestURI()
                  + " forwarded by "
                  + exchange.getRequestHeaders().getFirst(PeerHttp.FORWARDED));
          authorizations.add(
              String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
          byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
          headers.forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
          exchange.sendResponseHeaders(status, bytes.length);
          exchange.getResponseBody().write(bytes);
          exchange.close();
        });
    server.start();
    owner = new HostInfo("127.0.0.1", server.getAddress().getPort());
  }

  @AfterEach
  void stop() {
    server.stop(0);
    http.close();
  }

  @Test
  void aForwardedGetIsMarkedAndTheOwnersAnswerIsRead() {
    Instant at = Instant.parse("2026-11-24T09:00:00Z");
    answer(200, KnowledgeJson.render(new KnowledgeEntry("team.tokens", STATE)), Map.of());

    assertThat(peers.get(SELF, owner, "team.tokens", Optional.of(at))).contains(STATE);
    assertThat(requests)
        .containsExactly(
            "/knowledge/team.tokens?at=" + at.toEpochMilli() + " forwarded by " + "127.0.0.1:8080");

    answer(404, "{\"status\":404,\"message\":\"no delta\"}", Map.of());
    assertThat(peers.get(SELF, owner, "team.tokens", Optional.empty())).isEmpty();
  }

  @Test
  void anOwnerThatCannotAnswerIs503WithItsRetryAfterAndItsRefusalsAre400() {
    answer(503, "{\"status\":503,\"message\":\"rebalancing\"}", Map.of("Retry-After", "7"));
    assertThatThrownBy(() -> peers.get(SELF, owner, "k", Optional.empty()))
        .isInstanceOfSatisfying(
            ProjectionUnavailableException.class,
            e -> {
              assertThat(e.getMessage())
                  .isEqualTo(AdvertisedAddress.endpoint(owner) + " cannot answer now: rebalancing");
              assertThat(e.retryAfterSeconds()).isEqualTo(7);
            });

    answer(500, "boom", Map.of());
    assertThatThrownBy(() -> peers.get(SELF, owner, "k", Optional.empty()))
        .isInstanceOf(ProjectionUnavailableException.class)
        .hasMessageContaining("answered 500: boom");

    answer(200, KnowledgeJson.render(new KnowledgeEntry("other", STATE)), Map.of());
    assertThatThrownBy(() -> peers.get(SELF, owner, "k", Optional.empty()))
        .isInstanceOf(ProjectionUnavailableException.class)
        .hasMessageContaining("it answered for key 'other'");

    answer(400, "{\"status\":400,\"message\":\"at is too old\"}", Map.of());
    assertThatThrownBy(() -> peers.get(SELF, owner, "k", Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("at is too old");
  }

  @Test
  void anOwnerThatCannotBeReachedIs503() throws IOException {
    int closed;
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    HostInfo gone = new HostInfo("127.0.0.1", closed);

    assertThatThrownBy(() -> peers.get(SELF, gone, "k", Optional.empty()))
        .isInstanceOfSatisfying(
            ProjectionUnavailableException.class,
            e -> {
              assertThat(e.getMessage())
                  .startsWith(
                      "the projections instance holding the data, 127.0.0.1:"
                          + closed
                          + ", cannot be reached");
              assertThat(e.retryAfterSeconds()).isEqualTo(2);
            });
    assertThatThrownBy(() -> peers.page(SELF, gone, new KnowledgeListing("", 5)).join())
        .isInstanceOf(CompletionException.class)
        .hasCauseInstanceOf(ProjectionUnavailableException.class);
  }

  @Test
  void aPeersPageComesWithThePartitionsItRead() {
    KnowledgePage page = new KnowledgePage(List.of(new KnowledgeEntry("team.a", STATE)), false);
    answer(200, KnowledgeJson.render(page), Map.of(PeerHttp.PARTITIONS, "1,3"));

    assertThat(peers.page(SELF, owner, new KnowledgeListing("team.", 5)).join())
        .isEqualTo(new Served<>(page, Set.of(1, 3)));
    assertThat(requests)
        .containsExactly("/knowledge?prefix=team.&limit=5 forwarded by 127.0.0.1:8080");

    answer(200, KnowledgeJson.render(page), Map.of());
    assertThatThrownBy(() -> peers.page(SELF, owner, new KnowledgeListing("", 5)).join())
        .hasCauseInstanceOf(ProjectionUnavailableException.class)
        .hasMessageContaining("header is missing");
    answer(200, KnowledgeJson.render(page), Map.of(PeerHttp.PARTITIONS, "1,x"));
    assertThatThrownBy(() -> peers.page(SELF, owner, new KnowledgeListing("", 5)).join())
        .hasMessageContaining("is not a list of partitions");
    assertThat(PeerHttp.partitionsHeader(Set.of(3, 1, 2))).isEqualTo("1,2,3");
    assertThat(PeerHttp.partitionsHeader(Set.of())).isEmpty();
  }

  @Test
  void aForwardedRequestCarriesTheCallersAuthorizationHeader() throws Exception {
    // given: the request being served sends a token, as it must when reads need one
    answer(200, KnowledgeJson.render(new KnowledgeEntry("team.tokens", STATE)), Map.of());
    var caller =
        io.micronaut.http.HttpRequest.GET("/knowledge/team.tokens")
            .bearerAuth("reader-token-0123456789");

    // when
    Supplier<Optional<KnowledgeState>> get =
        () -> peers.get(SELF, owner, "team.tokens", Optional.empty());
    Supplier<CompletableFuture<Served<KnowledgePage>>> page =
        () -> peers.page(SELF, owner, KnowledgeListing.parse("team.", "9"));
    ServerRequestContext.with(caller, get);
    ServerRequestContext.with(caller, page)
        .handle((served, error) -> served)
        .join(); // its body is not a page
    get.get();

    // then: the peer checks the caller's token; a request served without one forwards none
    assertThat(authorizations)
        .containsExactly(
            "Bearer reader-token-0123456789", "Bearer reader-token-0123456789", "null");
  }

  @Test
  void aKeyOfDotsAloneIsEscapedSoThatItIsNotAPathStep() {
    assertThat(PeerHttp.pathSegment("..")).isEqualTo("%2E%2E");
    assertThat(PeerHttp.pathSegment("a.b")).isEqualTo("a.b");
  }

  private void answer(int status, String body, Map<String, String> headers) {
    this.status = status;
    this.body = body;
    this.headers = headers;
  }
}
