package io.conclave.testkit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * An OpenAI-compatible chat-completions server on loopback (real HTTP, {@code POST
 * /v1/chat/completions}) that answers what the test scripts, in order: answers, errors with
 * headers, malformed bodies, and hangs until released. Unscripted requests get the answer
 * "unscripted". Thread-safe; for tests.
 */
public final class FakeModelServer implements AutoCloseable {
  /**
   * One scripted reply: status, body, headers, and a latch the reply waits for first (a hang until
   * released).
   */
  public record Reply(int status, String body, Map<String, String> headers, CountDownLatch hold) {
    public static Reply answer(String text) {
      return new Reply(
          200,
          "{\"id\":\"c1\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\""
              + text
              + "\"}}],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":2}}",
          Map.of(),
          null);
    }

    public static Reply error(int status, String message) {
      return new Reply(status, "{\"error\":{\"message\":\"" + message + "\"}}", Map.of(), null);
    }

    public static Reply raw(int status, String body, Map<String, String> headers) {
      return new Reply(status, body, headers, null);
    }

    public static Reply hang(CountDownLatch release) {
      return new Reply(200, answer("late").body(), Map.of(), release);
    }
  }

  /** What the server received. */
  public record Request(String body, String authorization) {}

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final Queue<Reply> script = new ConcurrentLinkedQueue<>();
  private final List<Request> received = new CopyOnWriteArrayList<>();

  public FakeModelServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/v1/chat/completions", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  /** The base URL a client is configured with, e.g. {@code http://127.0.0.1:34567/v1}. */
  public URI baseUrl() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1");
  }

  /** Adds replies to the script, answered in order. */
  public FakeModelServer then(Reply... replies) {
    script.addAll(List.of(replies));
    return this;
  }

  /** Every request received so far, in order. */
  public List<Request> received() {
    return List.copyOf(received);
  }

  private void handle(HttpExchange exchange) throws IOException {
    received.add(
        new Request(
            new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8),
            exchange.getRequestHeaders().getFirst("Authorization")));
    Reply reply = script.poll();
    if (reply == null) {
      reply = Reply.answer("unscripted");
    }
    if (reply.hold() != null) {
      try {
        reply.hold().await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    reply.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
    byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    try {
      exchange.sendResponseHeaders(reply.status(), body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    } catch (IOException e) {
      // the client gave up (its timeout): nothing to answer to
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
