package io.conclave.launcher.dev;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.conclave.launcher.harness.Cli;
import io.conclave.launcher.harness.Http;
import io.conclave.runtime.topics.Partitioning;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * {@code conclave dev} keeps its broker's and registry's data in {@code .conclave/}: stopped and
 * started again in the same directory, it still has the tasks, sagas and decisions of the first
 * run, the schemas under the same global ids, the same ports; a replay from offset 0 reads the
 * records of both runs; new tasks run. {@code --fresh} starts empty.
 */
class DevRestartIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PROBE =
      "{\"type\":\"record\",\"name\":\"RestartProbe\",\"fields\":[{\"name\":\"a\",\"type\":\"string\"}]}";

  private final HttpClient registryClient =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void aRestartKeepsTheTasksTheSchemasAndTheLogAndFreshStartsEmpty() throws Exception {
    // Given: a first run with a completed task and a schema registered by hand
    Path workDir = Files.createTempDirectory("conclave-dev-restart");
    String port = Integer.toString(Http.freePort());
    String[] args = {"--workers", "1", "--coordinators", "1", "--http-port", port};
    Properties first;
    Map<String, Long> globalIds;
    long probeId;
    JsonNode firstTask;
    try (DevLauncher dev = DevLauncher.start(workDir, args)) {
      first = dev.endpoints();
      Http http = http(first);
      submit(http, "kept-1");
      firstTask = http.awaitTaskStatus("kept-1", "COMPLETED");
      String registry = first.getProperty("conclave.registry.url");
      probeId = registerProbe(registry);
      globalIds = globalIds(registry);
      dev.stop();
    }
    assertThat(workDir.resolve(".conclave/kafka/logs/meta.properties")).exists();
    assertThat(globalIds).containsEntry("conclave-it/restart-probe", probeId).hasSizeGreaterThan(1);

    // When: started again on the same directory
    try (DevLauncher dev = DevLauncher.start(workDir, args)) {
      Properties second = dev.endpoints();
      Http http = http(second);

      // Then: the broker has the topics the first run made
      assertThat(dev.output())
          .as(dev.transcript())
          .anyMatch(l -> l.startsWith("topics: 0 created"));
      // the same addresses, so clients that knew the first run reach this one
      for (String key :
          List.of(
              "conclave.kafka.bootstrap-servers", "conclave.registry.url", "conclave.http.url")) {
        assertThat(second.getProperty(key)).as(key).isEqualTo(first.getProperty(key));
      }
      // the schemas, the dev stack's and the one registered by hand, under the same global ids
      assertThat(globalIds(second.getProperty("conclave.registry.url"))).isEqualTo(globalIds);
      // the first run's task, saga and decisions, as the first run showed them
      JsonNode kept = http.awaitTaskStatus("kept-1", "COMPLETED");
      assertThat(kept.path("steps")).isEqualTo(firstTask.path("steps"));
      assertThat(JSON.readTree(http.get("/sagas/saga-kept-1").body()).path("status").asText())
          .isEqualTo("COMPLETED");
      int partitions = Integer.parseInt(second.getProperty("conclave.partitions"));
      String planner = "planner-" + Partitioning.of("kept-1", partitions);
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                HttpResponse<String> r = http.get("/agents/" + planner + "/decisions");
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                assertThat(JSON.readTree(r.body()))
                    .anySatisfy(
                        d -> assertThat(d.path("sagaId").asText()).isEqualTo("saga-kept-1"));
              });
      // a new task runs
      submit(http, "kept-2");
      http.awaitTaskStatus("kept-2", "COMPLETED");
      // and a replay from offset 0 reads the records of both runs, each decoded with its schema
      Cli.Result replay =
          Cli.runIn(workDir, "replay", "tasks", "--from-offset", "0", "--json", "--quiet");
      assertThat(replay.exitCode()).as(replay.err()).isZero();
      List<String> replayed = new ArrayList<>();
      JSON.readTree(replay.out().get(0))
          .path("records")
          .forEach(r -> replayed.add(r.path("value").path("taskId").asText()));
      assertThat(replayed).contains("kept-1", "kept-2");
      dev.stop();
    }

    // When: --fresh
    try (DevLauncher dev = DevLauncher.start(workDir, concat(args, "--fresh"))) {
      Properties fresh = dev.endpoints();
      // Then: nothing of the runs before
      assertThat(http(fresh).get("/tasks/kept-1").statusCode()).isEqualTo(404);
      HttpResponse<String> probe =
          registryGet(
              fresh.getProperty("conclave.registry.url"),
              "/groups/conclave-it/artifacts/restart-probe/meta");
      assertThat(probe.statusCode()).isEqualTo(404);
      dev.stop();
    }
  }

  private static Http http(Properties endpoints) {
    return new Http(
        endpoints.getProperty("conclave.http.url"), endpoints.getProperty("conclave.api.token"));
  }

  private static void submit(Http http, String taskId) {
    HttpResponse<String> accepted =
        http.postJson("/tasks", "{\"taskId\":\"" + taskId + "\",\"prompt\":\"Plan a trip\"}");
    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
  }

  /** Registers an Avro schema of its own in group {@code conclave-it}; returns its global id. */
  private long registerProbe(String registry) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(registry + "/groups/conclave-it/artifacts"))
            .header("Content-Type", "application/json")
            .header("X-Registry-ArtifactId", "restart-probe")
            .header("X-Registry-ArtifactType", "AVRO")
            .POST(HttpRequest.BodyPublishers.ofString(PROBE))
            .build();
    HttpResponse<String> r = registryClient.send(request, HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body()).path("globalId").asLong();
  }

  /** Every artifact's latest global id, by {@code group/artifact}. */
  private Map<String, Long> globalIds(String registry) throws Exception {
    HttpResponse<String> search = registryGet(registry, "/search/artifacts?limit=1000");
    assertThat(search.statusCode()).as(search.body()).isEqualTo(200);
    Map<String, Long> ids = new TreeMap<>();
    for (JsonNode a : JSON.readTree(search.body()).path("artifacts")) {
      String group = a.path("groupId").isTextual() ? a.path("groupId").asText() : "default";
      String id = a.path("id").asText();
      HttpResponse<String> meta =
          registryGet(
              registry,
              "/groups/"
                  + URLEncoder.encode(group, StandardCharsets.UTF_8)
                  + "/artifacts/"
                  + URLEncoder.encode(id, StandardCharsets.UTF_8)
                  + "/meta");
      assertThat(meta.statusCode()).as(meta.body()).isEqualTo(200);
      ids.put(group + "/" + id, JSON.readTree(meta.body()).path("globalId").asLong());
    }
    return ids;
  }

  private HttpResponse<String> registryGet(String registry, String path) throws Exception {
    return registryClient.send(
        HttpRequest.newBuilder(URI.create(registry + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String[] concat(String[] args, String more) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add(more);
    return all.toArray(String[]::new);
  }
}
