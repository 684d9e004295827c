package io.conclave.worker;

import io.conclave.runtime.loop.LoopHealth;
import io.conclave.runtime.process.ProbeServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A worker's metrics (Micrometer), served in Prometheus's text format at {@code GET /metrics} on
 * {@code conclave.worker.metrics-port} when it is set, next to its {@code GET /health} ({@link
 * #serve}): model calls by model, agent type ({@code agent_type}) and outcome with their latency
 * histogram ({@code conclave_model_calls_seconds}), the tokens of the answers by model, agent type
 * and direction ({@code conclave_model_tokens_total}), each breaker's state ({@code
 * conclave_breaker_state}, by breaker and agent type: 0 closed, 1 half-open, 2 open; a worker has
 * one breaker per model endpoint and agent type), the cost of the answers in micro-units of
 * currency by model and agent type ({@code conclave_model_cost_total}, as the call ledger records
 * it), the time of each step and compensation by agent type, kind and outcome ({@code
 * conclave_step_seconds}), and the JVM's own. Thread-safe.
 */
public final class WorkerMetrics implements AutoCloseable {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private ProbeServer server;

  public MeterRegistry registry() {
    return registry;
  }

  /** The metrics as Prometheus scrapes them. */
  public String scrape() {
    return registry.scrape();
  }

  /**
   * Serves the metrics and {@code health} on {@code port} (0: any free port) until closed ({@link
   * ProbeServer}); returns the port.
   */
  public synchronized int serve(int port, Supplier<LoopHealth> health) {
    server = ProbeServer.start("worker", port, health, Optional.of(this::scrape));
    return server.port();
  }

  @Override
  public synchronized void close() {
    if (server != null) {
      server.close();
    }
    registry.close();
  }
}
