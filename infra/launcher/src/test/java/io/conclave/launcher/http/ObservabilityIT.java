package io.conclave.launcher.http;

import static io.conclave.testkit.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.conclave.launcher.harness.Http;
import io.conclave.launcher.harness.InProcessConclave;
import io.conclave.model.cluster.BreakerStateChanged;
import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.testkit.ConclaveStack;
import io.conclave.testkit.ConclaveStackExtension;
import io.conclave.testkit.StackClient;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.yaml.snakeyaml.Yaml;

/**
 * The projections' operations endpoints on a real broker and registry, without a token: {@code GET
 * /health} naming Kafka, Kafka Streams and the schema registry (and 503 naming the registry when it
 * is unreachable), and Conclave's gauges on {@code GET /prometheus} after a task ran, and the
 * OpenAPI document with its Swagger UI.
 */
@ExtendWith(ConclaveStackExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ObservabilityIT {
  private static final ObjectMapper json = new ObjectMapper();

  private ConclaveStack stack;
  private ConclaveSettings settings;
  private InProcessConclave conclave;
  private Http anonymous;

  @BeforeAll
  void start(ConclaveStack stack) throws Exception {
    this.stack = stack;
    settings = stack.isolated("observability");
    conclave = InProcessConclave.with(settings).workers(1).start();
    anonymous = new Http(conclave.baseUrl(), null);
  }

  @AfterAll
  void stop() throws Exception {
    conclave.close();
  }

  @Test
  void healthIsUpNamingKafkaStreamsAndTheRegistry() {
    // Kafka Streams is UP once it has joined its group
    eventually(() -> assertThat(anonymous.get("/health").statusCode()).isEqualTo(200));

    JsonNode health = read(anonymous.get("/health"));
    assertThat(health.path("status").asText()).isEqualTo("UP");
    for (String component : List.of("kafka", "kafkaStreams", "schemaRegistry")) {
      assertThat(health.path("details").path(component).path("status").asText())
          .as(component + " in " + health)
          .isEqualTo("UP");
    }
    assertThat(health.path("details").path("kafkaStreams").path("details").path("state").asText())
        .isIn("RUNNING", "REBALANCING");
    assertThat(anonymous.get("/health/readiness").statusCode()).isEqualTo(200);
    assertThat(anonymous.get("/health/liveness").statusCode()).isEqualTo(200);
  }

  @Test
  void healthIsDownNamingTheRegistryWhenItIsUnreachable() throws Exception {
    // Given projections whose registry is a port nothing listens on
    ConclaveSettings noRegistry =
        stack
            .isolated("observability-no-registry")
            .withEndpoints(
                stack.bootstrapServers(),
                "http://127.0.0.1:" + Http.freePort() + "/apis/registry/v2");
    try (InProcessConclave projections =
        InProcessConclave.with(noRegistry).noCoordinator().workers(0).start()) {
      // When
      HttpResponse<String> response = new Http(projections.baseUrl(), null).get("/health");

      // Then
      assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
      JsonNode health = read(response);
      assertThat(health.path("status").asText()).isEqualTo("DOWN");
      JsonNode registry = health.path("details").path("schemaRegistry");
      assertThat(registry.path("status").asText()).as(response.body()).isEqualTo("DOWN");
      assertThat(registry.path("details").path("error").asText()).contains("unreachable");
      assertThat(health.path("details").path("kafka").path("status").asText()).isEqualTo("UP");
    }
  }

  @Test
  void prometheusShowsSagasByStatusConsumerLagAndBreakers() throws Exception {
    // Given a task that ran, and a breaker a worker reported open
    Http writer = new Http(conclave.baseUrl(), Http.WRITER_TOKEN);
    assertThat(writer.postJson("/tasks", "{\"taskId\":\"obs-1\",\"prompt\":\"Why?\"}").statusCode())
        .isEqualTo(202);
    writer.awaitTaskStatus("obs-1", "COMPLETED");
    StackClient client = conclave.client();
    client.send(
        client
            .records()
            .breakerStateChanged(
                new BreakerStateChanged(
                    "llm-research",
                    "worker-obs",
                    List.of("research"),
                    BreakerStateChanged.State.CLOSED,
                    BreakerStateChanged.State.OPEN,
                    Instant.now())));

    // Then (the gauges are refreshed every few seconds)
    String coordinator = settings.topics().coordinatorGroup();
    eventually(
        () -> {
          HttpResponse<String> metrics = anonymous.get("/prometheus");
          assertThat(metrics.statusCode()).isEqualTo(200);
          String body = metrics.body();
          assertThat(value(body, "conclave_sagas{status=\"COMPLETED\"}"))
              .as(body)
              .hasValueSatisfying(n -> assertThat(n).isGreaterThanOrEqualTo(1));
          assertThat(value(body, "conclave_sagas{status=\"FAILED\"}")).as(body).hasValue(0.0);
          assertThat(value(body, "conclave_consumer_lag{group=\"" + coordinator + "\"}"))
              .as(body)
              .hasValueSatisfying(n -> assertThat(n).isGreaterThanOrEqualTo(0));
          assertThat(
                  value(
                      body,
                      "conclave_consumer_lag{group=\""
                          + settings.topics().workerGroup("research")
                          + "\"}"))
              .as(body)
              .isPresent();
          assertThat(value(body, "conclave_breakers{agent_type=\"research\",state=\"OPEN\"}"))
              .as(body)
              .hasValue(1.0);
        });
  }

  @Test
  void theOpenApiDocumentListsTheRoutesAndTheSwaggerUiServesIt() {
    HttpResponse<String> document = anonymous.get("/swagger/conclave-projections.yml");

    assertThat(document.statusCode()).as(document.body()).isEqualTo(200);
    Map<String, Object> openApi = new Yaml().load(document.body());
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> paths =
        (Map<String, Map<String, Object>>) openApi.get("paths");
    assertThat(paths.get("/tasks")).containsKey("post");
    assertThat(paths.get("/tasks/{taskId}")).containsKey("get");
    HttpResponse<String> ui = anonymous.get("/swagger-ui/index.html");
    assertThat(ui.statusCode()).isEqualTo(200);
    assertThat(ui.body()).contains("swagger-ui").contains("conclave-projections.yml");
  }

  /**
   * The value of one series (name and labels as Prometheus prints them) in a scrape, if present.
   */
  private static Optional<Double> value(String scrape, String series) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(scrape);
    return m.find() ? Optional.of(Double.parseDouble(m.group(1))) : Optional.empty();
  }

  private static JsonNode read(HttpResponse<String> response) {
    try {
      return json.readTree(response.body());
    } catch (Exception e) {
      throw new AssertionError("not JSON: " + response.body(), e);
    }
  }
}
