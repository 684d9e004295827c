package io.conclave.runtime.process;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.conclave.runtime.loop.LoopHealth;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The small HTTP server of a process without an API (a worker, a coordinator), for its orchestrator
 * and Prometheus: {@code GET /health}, 200 {@code {"status":"UP","loops":[...]}} while {@link
 * LoopHealth} says every loop is alive, else 503 {@code
 * {"status":"DOWN","reasons":[...],"loops":[...]}}, each loop with its partitions and last poll;
 * and, if the process has metrics, {@code GET /metrics} (also at {@code /prometheus}, the
 * projections' path) in Prometheus's text format. Thread-safe.
 */
public final class ProbeServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ProbeServer.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer server;

  private ProbeServer(HttpServer server) {
    this.server = server;
  }

  /**
   * Serves on {@code port} (0: any free port) until closed.
   *
   * @param what the process, for the log line
   * @param metrics the metrics as Prometheus scrapes them, if the process has any
   */
  public static ProbeServer start(
      String what, int port, Supplier<LoopHealth> health, Optional<Supplier<String>> metrics) {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(port), 0);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serve the " + what + "'s health on port " + port, e);
    }
    server.createContext(
        "/health",
        exchange -> {
          LoopHealth now = health.get();
          answer(
              exchange, now instanceof LoopHealth.Up ? 200 : 503, "application/json", render(now));
        });
    metrics.ifPresent(
        scrape -> {
          HttpHandler handler =
              exchange ->
                  answer(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", scrape.get());
          server.createContext("/metrics", handler);
          server.createContext("/prometheus", handler);
        });
    server.start();
    ProbeServer probes = new ProbeServer(server);
    log.info(
        "{}: health at http://0.0.0.0:{}/health{}",
        what,
        probes.port(),
        metrics.isPresent() ? ", metrics at /metrics" : "");
    return probes;
  }

  /** The port it serves on. */
  public int port() {
    return server.getAddress().getPort();
  }

  private static void answer(HttpExchange exchange, int status, String contentType, String text)
      throws IOException {
    byte[] body = text.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", contentType);
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  /** The health as {@code GET /health} answers it. */
  static String render(LoopHealth health) {
    ObjectNode root = JSON.createObjectNode();
    List<LoopHealth.Status> loops;
    if (health instanceof LoopHealth.Down down) {
      root.put("status", "DOWN");
      down.reasons().forEach(root.putArray("reasons")::add);
      loops = down.loops();
    } else {
      root.put("status", "UP");
      loops = ((LoopHealth.Up) health).loops();
    }
    ArrayNode array = root.putArray("loops");
    for (LoopHealth.Status loop : loops) {
      ObjectNode node = array.addObject().put("name", loop.name()).put("stopped", loop.stopped());
      loop.partitions().forEach(node.putArray("partitions")::add);
      node.put("lastPoll", loop.lastPoll().map(Instant::toString).orElse(null));
    }
    return root.toString();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
