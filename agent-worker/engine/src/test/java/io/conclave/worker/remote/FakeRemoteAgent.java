package io.conclave.worker.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;

/**
 * A remote agent for tests, on the JDK's HTTP server: it answers each request as its script says
 * and keeps what it was sent. Its script may call the step's model endpoint, as a standard OpenAI
 * client would. Close it to stop it (and release a hanging answer).
 */
public final class FakeRemoteAgent implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** An answer: its status and body; {@code null} status: never answers. */
  public record Reply(Integer status, String body) {
    public static Reply ok(String body) {
      return new Reply(200, body);
    }

    public static Reply hang() {
      return new Reply(null, "");
    }
  }

  /** A request as the agent received it. */
  public record Received(JsonNode body, String idempotencyKey, String contentType) {}

  private final HttpServer server;
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final CountDownLatch released = new CountDownLatch(1);
  private volatile Function<JsonNode, Reply> script;

  public FakeRemoteAgent(Function<JsonNode, Reply> script) {
    this.script = script;
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext(
        "/step",
        exchange -> {
          try (exchange;
              InputStream in = exchange.getRequestBody()) {
            JsonNode body = JSON.readTree(in);
            received.add(
                new Received(
                    body,
                    exchange.getRequestHeaders().getFirst("Idempotency-Key"),
                    exchange.getRequestHeaders().getFirst("Content-Type")));
            Reply reply = this.script.apply(body);
            if (reply.status() == null) {
              released.await();
              return;
            }
            byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(reply.status(), bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(bytes);
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    server.start();
  }

  public URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/step");
  }

  public void script(Function<JsonNode, Reply> next) {
    this.script = next;
  }

  public List<Received> received() {
    return List.copyOf(received);
  }

  /**
   * Calls the step's model endpoint as an OpenAI client does: {@code POST <baseUrl><path>} with
   * {@code Authorization: Bearer <apiKey>}.
   *
   * @return the status and body of the answer
   */
  public static Reply callModel(JsonNode request, String path, String body) {
    String base = request.path("model").path("baseUrl").asText();
    HttpRequest.Builder call =
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Authorization", "Bearer " + request.path("model").path("apiKey").asText());
    call = body == null ? call.GET() : call.POST(HttpRequest.BodyPublishers.ofString(body));
    try {
      HttpResponse<String> answer =
          HttpClient.newHttpClient()
              .send(
                  call.header("Content-Type", "application/json").build(),
                  HttpResponse.BodyHandlers.ofString());
      return new Reply(answer.statusCode(), answer.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The JSON text as a tree. */
  public static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    released.countDown();
    server.stop(0);
  }
}
