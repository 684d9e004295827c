package io.conclave.worker;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.conclave.kafka.LoopHealth;
import io.conclave.resilience.CallPipeline;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker's metrics (Micrometer), served in Prometheus's text format at {@code GET /metrics} on
 * {@code conclave.worker.metrics-port} when it is set, next to its {@code GET /health} ({@link #serve}): model calls by model, agent type ({@code agent_type}) and
 * outcome with their latency histogram ({@code conclave_model_calls_seconds}), the tokens of the answers by model,
 * agent type and direction ({@code conclave_model_tokens_total}), each breaker's state
 * ({@code conclave_breaker_state}, by breaker and agent type: 0 closed, 1 half-open, 2 open; a worker has one breaker
 * per model endpoint and agent type), the cost of the answers in micro-units of currency by model and agent type
 * ({@code conclave_model_cost_total}, as the call ledger records it), the time of each step and compensation by agent
 * type, kind and outcome ({@code conclave_step_seconds}), and the JVM's own. Thread-safe.
 */
public final class WorkerMetrics implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WorkerMetrics.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private HttpServer server;

  public MeterRegistry registry() {
    return registry;
  }

  /** The metrics as Prometheus scrapes them. */
  public String scrape() {
    return registry.scrape();
  }

  /** Reports the state of {@code pipeline}'s breaker, the one of {@code agentType}'s calls. */
  public void watch(CallPipeline pipeline, String agentType) {
    Gauge.builder("conclave.breaker.state", pipeline, p -> switch (p.breaker().getState()) {
      case CLOSED -> 0;
      case HALF_OPEN -> 1;
      case OPEN -> 2;
    }).description("0 closed, 1 half-open, 2 open").tag("breaker", pipeline.name())
        .tag("agent_type", agentType).register(registry);
  }

  /**
   * Serves on {@code port} (0: any free port) {@code GET /metrics} (also at {@code /prometheus}, the projections'
   * path) and {@code GET /health}: 200 {@code {"status":"UP",...}} while {@code health} says every loop is alive,
   * else 503 {@code {"status":"DOWN","reasons":[...],...}}, each loop with its partitions and last poll. Returns the
   * port.
   */
  public synchronized int serve(int port, Supplier<LoopHealth> health) {
    try {
      server = HttpServer.create(new InetSocketAddress(port), 0);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serve metrics on port " + port, e);
    }
    HttpHandler metrics = exchange -> answer(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", scrape());
    server.createContext("/metrics", metrics);
    server.createContext("/prometheus", metrics);
    server.createContext("/health", exchange -> {
      LoopHealth now = health.get();
      answer(exchange, now instanceof LoopHealth.Up ? 200 : 503, "application/json", render(now));
    });
    server.start();
    int bound = server.getAddress().getPort();
    log.info("metrics at http://0.0.0.0:{}/metrics, health at /health", bound);
    return bound;
  }

  private static void answer(HttpExchange exchange, int status, String contentType, String text) throws IOException {
    byte[] body = text.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", contentType);
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  /** The health as JSON. */
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
  public synchronized void close() {
    if (server != null) {
      server.stop(0);
    }
    registry.close();
  }
}
