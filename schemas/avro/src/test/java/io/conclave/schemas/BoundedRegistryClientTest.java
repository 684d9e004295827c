package io.conclave.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.apicurio.registry.rest.client.RegistryClient;
import io.apicurio.registry.rest.client.RegistryClientFactory;
import io.apicurio.registry.rest.client.exception.RestClientException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What a registry that is away looks like to Conclave's serdes, against small local HTTP servers.
 */
class BoundedRegistryClientTest {
  private static final Duration HANG = Duration.ofMillis(300);

  /** For answers that come: long enough for a first call's class loading on a busy machine. */
  private static final Duration ANSWER = Duration.ofSeconds(10);

  private HttpServer server;
  private final CountDownLatch released = new CountDownLatch(1);

  @AfterEach
  void stop() {
    released.countDown();
    if (server != null) {
      server.stop(0);
    }
  }

  @Test
  void aRegistryThatDoesNotAnswerIsUnavailableAfterTheTimeout() throws Exception {
    // given: a server that accepts the request and never answers
    String url =
        serve(
            exchange -> {
              try {
                released.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });

    // when / then
    assertThatThrownBy(() -> client(url, HANG).getContentByGlobalId(1))
        .isInstanceOf(SchemaRegistryUnavailableException.class)
        .hasMessageContaining(url)
        .hasMessageContaining("did not answer within 300 ms");
  }

  @Test
  void aRefusedConnectionIsUnavailable() throws Exception {
    // given: a port nobody listens on
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    String url = "http://127.0.0.1:" + port + "/apis/registry/v2";

    // when / then
    assertThatThrownBy(() -> client(url, ANSWER).getContentByGlobalId(1))
        .isInstanceOf(SchemaRegistryUnavailableException.class)
        .hasMessageContaining("is unavailable")
        .hasMessageContaining("ConnectException");
  }

  @Test
  void aServerErrorIsUnavailable() throws Exception {
    String url =
        serve(
            exchange ->
                reply(exchange, 503, "{\"error_code\":503,\"message\":\"storage is down\"}"));

    assertThatThrownBy(() -> client(url, ANSWER).getContentByGlobalId(1))
        .isInstanceOf(SchemaRegistryUnavailableException.class)
        .hasMessageContaining("HTTP 503");
  }

  @Test
  void anAnswerAboutTheRequestPassesThrough() throws Exception {
    // given: the registry knows no such id, which says something about the record, not about the
    // registry
    String url =
        serve(
            exchange ->
                reply(
                    exchange,
                    404,
                    "{\"error_code\":404,\"name\":\"ContentNotFoundException\",\"message\":\"No content with id 1\"}"));

    // when / then: not retriable, so a consumer dead-letters the record
    assertThatThrownBy(() -> client(url, ANSWER).getContentByGlobalId(1))
        .isInstanceOf(RestClientException.class)
        .isNotInstanceOf(SchemaRegistryUnavailableException.class);
  }

  @Test
  void unavailabilityIsFoundHoweverDeeplyItIsWrapped() {
    var away = new SchemaRegistryUnavailableException("away", null);
    var wrapped = new IllegalStateException("serde failed", new RuntimeException(away));

    assertThat(SchemaRegistryUnavailableException.in(wrapped)).containsSame(away);
    assertThat(SchemaRegistryUnavailableException.in(new IllegalStateException("bad bytes")))
        .isEmpty();
    assertThatThrownBy(() -> SchemaRegistryUnavailableException.rethrowIfIn(wrapped))
        .isSameAs(away);
  }

  private static RegistryClient client(String url, Duration timeout) {
    return BoundedRegistryClient.wrap(RegistryClientFactory.create(url), url, timeout);
  }

  private String serve(com.sun.net.httpserver.HttpHandler handler) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", handler);
    server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    server.start();
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/apis/registry/v2";
  }

  private static void reply(com.sun.net.httpserver.HttpExchange exchange, int status, String json)
      throws IOException {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, body.length);
    exchange.getResponseBody().write(body);
    exchange.close();
  }
}
