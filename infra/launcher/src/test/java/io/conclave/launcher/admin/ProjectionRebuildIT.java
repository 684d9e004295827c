package io.conclave.launcher.admin;

import static io.conclave.testkit.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.conclave.launcher.harness.Http;
import io.conclave.launcher.harness.InProcessConclave;
import io.conclave.projections.runtime.ProjectionTopology;
import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.runtime.topics.Partitioning;
import io.conclave.testkit.ConclaveStack;
import io.conclave.testkit.ConclaveStackExtension;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code POST /admin/projections/rebuild} on a running installation (coordinator, a worker and the
 * projections in this JVM): from the beginning the projections answer the same again; from a time
 * they know only what happened since; with a second projections instance in the group the rebuild
 * is refused and nothing changes. Each test runs its own Conclave on its own topics.
 */
@ExtendWith(ConclaveStackExtension.class)
class ProjectionRebuildIT {
  private static final ObjectMapper json = new ObjectMapper();

  private ConclaveStack stack;
  private ConclaveSettings settings;
  private InProcessConclave conclave;
  private Http http;
  private String applicationId;

  @BeforeEach
  void start(ConclaveStack stack) throws Exception {
    this.stack = stack;
    settings = stack.isolated("rebuild");
    conclave = InProcessConclave.with(settings).workers(1).start();
    http = conclave.http();
    applicationId = ProjectionTopology.applicationId(settings.topics());
  }

  @AfterEach
  void stop() throws Exception {
    conclave.close();
  }

  @Test
  void fromTheBeginningTheProjectionsAnswerTheSameAgain() throws Exception {
    // Given: two completed tasks, as the projections show them
    submit("a-1", "a-2");
    http.awaitTaskStatus("a-1", "COMPLETED");
    http.awaitTaskStatus("a-2", "COMPLETED");
    String planner = "planner-" + Partitioning.of("a-1", settings.partitions());
    eventually(
        () -> assertThat(get("/tasks/a-1").path("prompt").asText()).isEqualTo("prompt of a-1"));
    eventually(
        () ->
            assertThat(get("/agents/" + planner + "/decisions"))
                .anySatisfy(d -> assertThat(d.get("sagaId").asText()).isEqualTo("saga-a-1")));
    JsonNode taskBefore = get("/tasks/a-1");
    JsonNode decisionsBefore = get("/agents/" + planner + "/decisions");

    // When
    HttpResponse<String> accepted = http.postJson("/admin/projections/rebuild", "{}");

    // Then: every input partition starts again at 0, the changelogs are gone, and the same answers
    // come back
    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
    JsonNode body = json.readTree(accepted.body());
    assertThat(body.get("applicationId").asText()).isEqualTo(applicationId);
    assertThat(body.get("from").asText()).isEqualTo("offset 0");
    Map<String, Long> offsets = offsets(body);
    assertThat(offsets.keySet()).containsExactlyInAnyOrderElementsOf(inputPartitions());
    assertThat(offsets.values()).containsOnly(0L);
    assertThat(body.get("deletedTopics"))
        .extracting(JsonNode::asText)
        .containsExactlyInAnyOrder(
            applicationId + "-agent-decisions-changelog",
                applicationId + "-shard-leaders-changelog",
            applicationId + "-task-sagas-changelog", applicationId + "-task-submissions-changelog",
            applicationId + "-knowledge-changelog", applicationId + "-knowledge-history-changelog",
            applicationId + "-ledger-agents-changelog", applicationId + "-ledger-tenants-changelog",
            applicationId + "-ledger-tenant-steps-repartition",
                applicationId + "-task-saga-retirements-changelog",
            applicationId + "-task-submission-retirements-changelog",
                applicationId + "-task-saga-counts-changelog");
    eventually(() -> assertThat(get("/tasks/a-1")).isEqualTo(taskBefore));
    eventually(
        () -> assertThat(get("/agents/" + planner + "/decisions")).isEqualTo(decisionsBefore));
    http.awaitTaskStatus("a-2", "COMPLETED");
  }

  @Test
  void fromATimeTheProjectionsKnowOnlyWhatHappenedSince() throws Exception {
    // Given: a first batch of tasks, then a second one after a point in time
    Instant between = twoBatches();

    // When
    HttpResponse<String> accepted =
        http.postJson("/admin/projections/rebuild", "{\"fromTime\": \"" + between + "\"}");

    // Then: on conclave.tasks the offsets leave exactly the second batch to read
    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
    JsonNode body = json.readTree(accepted.body());
    assertThat(body.get("from").asText()).isEqualTo("time " + between);
    Map<String, Long> offsets = offsets(body);
    long left = 0;
    try (Admin admin = stack.admin()) {
      for (int p = 0; p < settings.partitions(); p++) {
        var tp = new TopicPartition(settings.topics().tasks(), p);
        long end =
            admin.listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp).get().offset();
        left += end - offsets.get(tp.toString());
      }
    }
    assertThat(left).isEqualTo(2);
    // ... and the projections know the second batch only
    http.awaitTaskStatus("b-1", "COMPLETED");
    http.awaitTaskStatus("b-2", "COMPLETED");
    assertThat(http.get("/tasks/a-1").statusCode()).isEqualTo(404);
    assertThat(http.get("/tasks/a-2").statusCode()).isEqualTo(404);
  }

  @Test
  void withAnotherInstanceInTheGroupTheRebuildIsRefusedAndNothingChanges() throws Exception {
    // Given: projections rebuilt from between two batches, so that they know the second batch only
    Instant between = twoBatches();
    HttpResponse<String> rebuilt =
        http.postJson("/admin/projections/rebuild", "{\"fromTime\": \"" + between + "\"}");
    assertThat(rebuilt.statusCode()).as(rebuilt.body()).isEqualTo(202);
    http.awaitTaskStatus("b-1", "COMPLETED");
    http.awaitTaskStatus("b-2", "COMPLETED");
    eventually(() -> assertThat(http.get("/tasks/a-1").statusCode()).isEqualTo(404));

    try (Admin admin = stack.admin();
        InProcessConclave second =
            InProcessConclave.with(settings).noCoordinator().workers(0).start()) {
      // Given: two projections instances in the group
      eventually(() -> assertThat(members(admin)).isEqualTo(2));
      Map<TopicPartition, OffsetAndMetadata> committedBefore = committed(admin);

      // When
      HttpResponse<String> refused =
          http.postJson("/admin/projections/rebuild", "{\"fromOffset\": 0}");

      // Then: 409, the group was not moved back, and each instance still answers every task (asking
      // the other for the partitions it holds), and neither knows the first batch
      assertThat(refused.statusCode()).as(refused.body()).isEqualTo(409);
      assertThat(json.readTree(refused.body()).get("message").asText())
          .startsWith("other projections instances are still members of group " + applicationId);
      Map<TopicPartition, OffsetAndMetadata> committedAfter = committed(admin);
      committedBefore.forEach(
          (tp, before) ->
              assertThat(committedAfter.get(tp).offset())
                  .as(tp.toString())
                  .isGreaterThanOrEqualTo(before.offset()));
      Http secondHttp = second.http();
      for (String task : List.of("b-1", "b-2")) {
        eventually(
            () ->
                assertThat(List.of(status(http, task), status(secondHttp, task)))
                    .containsExactly("COMPLETED", "COMPLETED"));
      }
      assertThat(secondHttp.get("/tasks/a-1").statusCode()).isEqualTo(404);
    }
    // Then: alone again, this instance holds every partition, and still knows the second batch only
    http.awaitTaskStatus("b-1", "COMPLETED");
    http.awaitTaskStatus("b-2", "COMPLETED");
    assertThat(http.get("/tasks/a-1").statusCode()).isEqualTo(404);
    eventually(() -> assertThat(http.get("/leaders").statusCode()).isEqualTo(200));
  }

  /** Tasks a-1 and a-2, then b-1 and b-2, all completed; returns a time between the two batches. */
  private Instant twoBatches() throws Exception {
    submit("a-1", "a-2");
    http.awaitTaskStatus("a-1", "COMPLETED");
    http.awaitTaskStatus("a-2", "COMPLETED");
    Instant between = Instant.now();
    // the next records are stamped after it
    eventually(() -> assertThat(Instant.now()).isAfter(between));
    submit("b-1", "b-2");
    http.awaitTaskStatus("b-1", "COMPLETED");
    http.awaitTaskStatus("b-2", "COMPLETED");
    return between;
  }

  private static String status(Http on, String taskId) throws Exception {
    HttpResponse<String> r = on.get("/tasks/" + taskId);
    return r.statusCode() == 200
        ? json.readTree(r.body()).path("status").asText()
        : Integer.toString(r.statusCode());
  }

  private List<String> inputPartitions() throws Exception {
    List<String> out = new ArrayList<>();
    try (Admin admin = stack.admin()) {
      List<String> topics = ProjectionTopology.inputTopics(settings.topics());
      admin
          .describeTopics(topics)
          .allTopicNames()
          .get()
          .forEach(
              (topic, description) ->
                  description.partitions().forEach(p -> out.add(topic + "-" + p.partition())));
    }
    return out;
  }

  private void submit(String... ids) {
    for (String id : ids) {
      HttpResponse<String> r =
          http.postJson(
              "/tasks", "{\"taskId\":\"" + id + "\",\"prompt\":\"prompt of " + id + "\"}");
      assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    }
  }

  private JsonNode get(String path) throws Exception {
    HttpResponse<String> r = http.get(path);
    assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
    return json.readTree(r.body());
  }

  private static Map<String, Long> offsets(JsonNode body) {
    Map<String, Long> out = new HashMap<>();
    body.get("offsets").fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asLong()));
    return out;
  }

  private int members(Admin admin) throws Exception {
    return admin
        .describeConsumerGroups(List.of(applicationId))
        .all()
        .get()
        .get(applicationId)
        .members()
        .size();
  }

  private Map<TopicPartition, OffsetAndMetadata> committed(Admin admin) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> all =
        admin.listConsumerGroupOffsets(applicationId).partitionsToOffsetAndMetadata().get();
    List<String> inputs = new ArrayList<>(ProjectionTopology.inputTopics(settings.topics()));
    all.keySet().removeIf(tp -> !inputs.contains(tp.topic()));
    return all;
  }
}
