package io.conclave.projections.operations;

import io.conclave.projections.runtime.ProjectionRuntime;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.AbstractHealthIndicator;
import jakarta.inject.Singleton;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.streams.KafkaStreams;

/**
 * {@code kafkaStreams} in {@code GET /health}: the projections' Kafka Streams state ({@link
 * ProjectionRuntime}). UP while RUNNING or REBALANCING (queries answer, or will shortly); DOWN with
 * the reason while created but not yet started, in error, shutting down, or while no instance runs
 * (starting, rebuilding).
 */
@Singleton
final class StreamsHealth extends AbstractHealthIndicator<Map<String, Object>> {
  private final ProjectionRuntime runtime;

  StreamsHealth(ProjectionRuntime runtime) {
    this.runtime = runtime;
  }

  @Override
  protected String getName() {
    return "kafkaStreams";
  }

  @Override
  protected Map<String, Object> getHealthInformation() {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("applicationId", runtime.applicationId());
    var state = runtime.state();
    if (state.isEmpty()) {
      healthStatus = HealthStatus.DOWN;
      details.put("error", runtime.notRunningReason());
      return details;
    }
    KafkaStreams.State now = state.get();
    details.put("state", now.name());
    if (now == KafkaStreams.State.RUNNING || now == KafkaStreams.State.REBALANCING) {
      healthStatus = HealthStatus.UP;
    } else {
      healthStatus = HealthStatus.DOWN;
      details.put(
          "error",
          now == KafkaStreams.State.ERROR || now == KafkaStreams.State.PENDING_ERROR
              ? "the projections stopped on an error (see the log): restart or rebuild this instance"
              : "the projections are not running (" + now + ")");
    }
    return details;
  }
}
