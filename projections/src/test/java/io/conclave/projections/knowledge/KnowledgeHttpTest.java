package io.conclave.projections.knowledge;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.conclave.model.crdt.GCounter;
import io.conclave.model.knowledge.KnowledgeState;
import io.conclave.projections.http.Served;
import io.conclave.projections.runtime.PeerHttp;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import io.micronaut.runtime.server.EmbeddedServer;
import jakarta.inject.Singleton;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The knowledge API through the real HTTP server and error mapping, over stand-in stores (no Kafka:
 * the projections' Kafka Streams points at a port where nothing listens, and is never asked).
 */
class KnowledgeHttpTest {
  private static final String ENABLED = "conclave.test.knowledge-http";
  private static final KnowledgeState STATE =
      new KnowledgeState(
          GCounter.EMPTY.increment("alpha-0", 2), Instant.parse("2026-11-24T10:00:00Z"), 2);
  private static EmbeddedServer server;

  /**
   * Another instance, holding the key "remote": it records the Authorization header of what it is
   * asked.
   */
  private static HttpServer peer;

  private static final List<String> peerAuthorizations = new CopyOnWriteArrayList<>();
  private static final HttpClient client = HttpClient.newHttpClient();

  @BeforeAll
  static void start(@TempDir Path state) throws Exception {
    peer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    peer.createContext(
        "/",
        exchange -> {
          peerAuthorizations.add(
              String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
          byte[] body =
              KnowledgeJson.render(new KnowledgeEntry("remote", STATE))
                  .getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    peer.start();
    Map<String, Object> props = new HashMap<>();
    props.put(ENABLED, "true");
    props.put("micronaut.server.port", -1);
    props.put("conclave.kafka.bootstrap-servers", "127.0.0.1:1");
    props.put("conclave.registry.url", "http://127.0.0.1:1");
    props.put("conclave.state-dir", Files.createDirectories(state.resolve("streams")).toString());
    server = ApplicationContext.run(EmbeddedServer.class, props);
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.getApplicationContext().close();
    }
    if (peer != null) {
      peer.stop(0);
    }
  }

  @Test
  void keysAnswerAsDocumented() throws Exception {
    HttpResponse<String> ok = get("/knowledge/team.tokens");
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).contains("json"));
    assertThat(ok.body()).isEqualTo(KnowledgeJson.render(new KnowledgeEntry("team.tokens", STATE)));

    assertThat(get("/knowledge/..").body()).as("a key of dots").contains("\"key\":\"..\"");
    assertThat(get("/knowledge/%2E%2E").body()).contains("\"key\":\"..\"");
    HttpResponse<String> missing = get("/knowledge/nothing");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.body()).contains("no delta of knowledge key 'nothing' was merged");
    assertThat(get("/knowledge/bad%20key").statusCode()).isEqualTo(400);
    assertThat(get("/knowledge/team.tokens?at=yesterday").statusCode()).isEqualTo(400);
    HttpResponse<String> moving = get("/knowledge/moving");
    assertThat(moving.statusCode()).isEqualTo(503);
    assertThat(moving.headers().firstValue("Retry-After")).contains("1");
  }

  @Test
  void aQueryForwardedToTheKeysHolderCarriesTheCallersToken() throws Exception {
    // when: a key another instance holds, asked with a token (which reads need when they are
    // authenticated)
    HttpResponse<String> answer =
        client.send(
            HttpRequest.newBuilder(uri("/knowledge/remote"))
                .header("Authorization", "Bearer reader-token-0123456789")
                .build(),
            HttpResponse.BodyHandlers.ofString());

    // then: the holder was asked with the same token, from the thread that served the request
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    assertThat(peerAuthorizations).containsExactly("Bearer reader-token-0123456789");
  }

  @Test
  void listingsAnswerAsDocumented() throws Exception {
    HttpResponse<String> forwarded =
        client.send(
            HttpRequest.newBuilder(uri("/knowledge?prefix=team.&limit=5"))
                .header(PeerHttp.FORWARDED, "elsewhere:1")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(forwarded.statusCode()).isEqualTo(200);
    assertThat(forwarded.headers().firstValue(PeerHttp.PARTITIONS)).contains("0");
    assertThat(get("/knowledge?prefix=team.").body())
        .isEqualTo(
            KnowledgeJson.render(
                new KnowledgePage(List.of(new KnowledgeEntry("team.tokens", STATE)), false)));
    assertThat(get("/knowledge?limit=0").statusCode()).isEqualTo(400);
    assertThat(get("/knowledge?prefix=a%2Fb").statusCode()).isEqualTo(400);
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return client.send(
        HttpRequest.newBuilder(uri(path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.getPort() + path);
  }

  /** This instance holds partition 0, which has two keys; "moving" is between instances. */
  @Singleton
  @Replaces(RuntimeKnowledgeStores.class)
  @Requires(property = ENABLED)
  static final class Stores implements KnowledgeStores {
    private static final HostInfo SELF = new HostInfo("127.0.0.1", 1);

    @Override
    public HostInfo self() {
      return SELF;
    }

    @Override
    public KeyQueryMetadata metadataForKey(String key) {
      if (key.equals("remote")) {
        return new KeyQueryMetadata(
            new HostInfo("127.0.0.1", peer.getAddress().getPort()), Set.of(), 0);
      }
      return key.equals("moving")
          ? KeyQueryMetadata.NOT_AVAILABLE
          : new KeyQueryMetadata(SELF, Set.of(), 0);
    }

    @Override
    public Optional<KnowledgeState> latest(String key, int partition) {
      return key.equals("team.tokens") || key.equals("..") ? Optional.of(STATE) : Optional.empty();
    }

    @Override
    public Optional<KnowledgeState> asOf(String key, int partition, Instant at) {
      return latest(key, partition);
    }

    @Override
    public Served<KnowledgePage> localPage(String prefix, int limit) {
      return new Served<>(
          new KnowledgePage(List.of(new KnowledgeEntry("team.tokens", STATE)), false), Set.of(0));
    }

    @Override
    public Map<HostInfo, Set<Integer>> activePartitionsByHost() {
      return Map.of(SELF, Set.of(0));
    }
  }
}
