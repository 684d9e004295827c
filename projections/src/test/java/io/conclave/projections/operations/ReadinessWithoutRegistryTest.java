package io.conclave.projections.operations;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.AbstractHealthIndicator;
import io.micronaut.runtime.server.EmbeddedServer;
import jakarta.inject.Singleton;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A schema registry outage leaves the projections ready: through the real HTTP server, with Kafka
 * and Kafka Streams reported UP by stand-ins (no broker) and the registry at a port where nothing
 * listens.
 */
class ReadinessWithoutRegistryTest {
  private static final String ENABLED = "conclave.test.readiness-without-registry";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static EmbeddedServer server;

  @BeforeAll
  static void start(@TempDir Path state) {
    Map<String, Object> props = new HashMap<>();
    props.put(ENABLED, "true");
    props.put("micronaut.server.port", -1);
    props.put("conclave.kafka.bootstrap-servers", "127.0.0.1:1");
    props.put("conclave.registry.url", "http://127.0.0.1:1");
    props.put("conclave.state-dir", state.toString());
    server = ApplicationContext.run(EmbeddedServer.class, props);
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.getApplicationContext().close();
    }
  }

  @Test
  void aRegistryOutageLeavesReadinessUpAndShowsInTheWholeHealth() throws Exception {
    // when
    HttpResponse<String> readiness = get("/health/readiness");
    HttpResponse<String> health = get("/health");

    // then: ready by Kafka and Kafka Streams alone
    JsonNode ready = JSON.readTree(readiness.body());
    assertThat(readiness.statusCode()).as(readiness.body()).isEqualTo(200);
    assertThat(ready.path("status").asText()).isEqualTo("UP");
    assertThat(ready.path("details").has("kafka")).as(readiness.body()).isTrue();
    assertThat(ready.path("details").has("kafkaStreams")).as(readiness.body()).isTrue();
    assertThat(ready.path("details").has("schemaRegistry")).as(readiness.body()).isFalse();

    // and: /health reports the registry down, with its reason
    JsonNode whole = JSON.readTree(health.body());
    assertThat(health.statusCode()).as(health.body()).isEqualTo(503);
    assertThat(whole.path("details").path("schemaRegistry").path("status").asText())
        .isEqualTo("DOWN");
    assertThat(whole.path("details").path("schemaRegistry").path("details").path("error").asText())
        .contains("unreachable");
  }

  @Test
  void livenessIsMicronautsOwn() throws Exception {
    HttpResponse<String> liveness = get("/health/liveness");

    assertThat(liveness.statusCode()).as(liveness.body()).isEqualTo(200);
    assertThat(JSON.readTree(liveness.body()).path("details").has("schemaRegistry")).isFalse();
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getPort() + path))
            .timeout(Duration.ofSeconds(30))
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** An indicator that is always UP. */
  private abstract static class Up extends AbstractHealthIndicator<Map<String, Object>> {
    private final String name;

    Up(String name) {
      this.name = name;
    }

    @Override
    protected String getName() {
      return name;
    }

    @Override
    protected Map<String, Object> getHealthInformation() {
      healthStatus = HealthStatus.UP;
      return Map.of();
    }
  }

  /** Kafka answers. */
  @Singleton
  @Replaces(KafkaHealth.class)
  @Requires(property = ENABLED)
  static final class KafkaUp extends Up {
    KafkaUp() {
      super("kafka");
    }
  }

  /** Kafka Streams runs. */
  @Singleton
  @Replaces(StreamsHealth.class)
  @Requires(property = ENABLED)
  static final class StreamsUp extends Up {
    StreamsUp() {
      super("kafkaStreams");
    }
  }
}
