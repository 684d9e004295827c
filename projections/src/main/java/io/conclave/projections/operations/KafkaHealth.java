package io.conclave.projections.operations;

import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.AbstractHealthIndicator;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/**
 * {@code kafka} in {@code GET /health}: UP when the cluster answers a describe-cluster within
 * {@link #TIMEOUT} (its id and broker count in the details), DOWN with the reason otherwise.
 */
@Singleton
final class KafkaHealth extends AbstractHealthIndicator<Map<String, Object>> {
  static final Duration TIMEOUT = Duration.ofSeconds(3);

  private final Admin admin;

  KafkaHealth(Admin admin) {
    this.admin = admin;
  }

  @Override
  protected String getName() {
    return "kafka";
  }

  @Override
  protected Map<String, Object> getHealthInformation() {
    Map<String, Object> details = new LinkedHashMap<>();
    var cluster =
        admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) TIMEOUT.toMillis()));
    try {
      details.put("clusterId", cluster.clusterId().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
      details.put("brokers", cluster.nodes().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).size());
      healthStatus = HealthStatus.UP;
    } catch (ExecutionException | TimeoutException e) {
      healthStatus = HealthStatus.DOWN;
      Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
      details.put("error", "Kafka did not answer within " + TIMEOUT.toSeconds() + " s: " + cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      healthStatus = HealthStatus.DOWN;
      details.put("error", "interrupted");
    }
    return details;
  }
}
