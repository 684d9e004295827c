package io.conclave.launcher.saga;

import static io.conclave.testkit.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.conclave.launcher.harness.Http;
import io.conclave.launcher.harness.InProcessConclave;
import io.conclave.model.saga.SagaEvent;
import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.runtime.topics.Partitioning;
import io.conclave.testkit.ConclaveStack;
import io.conclave.testkit.ConclaveStackExtension;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The path of a task through the whole system on a real broker and registry: HTTP submission, a
 * shard leader's plan, three steps run by two workers, the projections' answer and the agents'
 * decision logs.
 */
@ExtendWith(ConclaveStackExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TaskLifecycleIT {
  private static final ObjectMapper json = new ObjectMapper();

  private ConclaveSettings settings;
  private InProcessConclave conclave;
  private Http http;

  @BeforeAll
  void start(ConclaveStack stack) throws Exception {
    settings = stack.isolated("lifecycle");
    conclave = InProcessConclave.with(settings).workers(2).start();
    http = conclave.http();
  }

  @AfterAll
  void stop() throws Exception {
    conclave.close();
  }

  @Test
  void aSubmittedTaskRunsItsThreeStepsAndRecordsEveryDecision() throws Exception {
    // When
    HttpResponse<String> accepted =
        http.postJson("/tasks", "{\"taskId\":\"task-1\",\"prompt\":\"Why is the sky blue?\"}");

    // Then
    assertThat(accepted.statusCode()).isEqualTo(202);
    assertThat(json.readTree(accepted.body()).get("taskId").asText()).isEqualTo("task-1");
    JsonNode task = http.awaitTaskStatus("task-1", "COMPLETED");
    assertThat(task.get("sagaId").asText()).isEqualTo("saga-task-1");
    // the projections' metrics for Prometheus: the HTTP requests just made and Kafka Streams'
    HttpResponse<String> metrics = http.get("/prometheus");
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.body())
        .contains("http_server_requests_seconds_count")
        .contains("kafka_stream_");
    // the submission and the saga are separate projections: the prompt joins the view once both
    // have caught up
    eventually(
        () ->
            assertThat(json.readTree(http.get("/tasks/task-1").body()).path("prompt").asText())
                .isEqualTo("Why is the sky blue?"));
    JsonNode steps = task.get("steps");
    assertThat(steps).hasSize(3);
    List<String> types = new ArrayList<>();
    for (JsonNode step : steps) {
      types.add(step.get("agentType").asText());
      assertThat(step.get("status").asText()).isEqualTo("COMPLETED");
      assertThat(step.get("output").asText()).startsWith(step.get("agentType").asText() + ".");
    }
    assertThat(types).containsExactly("research", "analysis", "write");
    // each step works on the previous step's output
    assertThat(steps.get(1).get("output").asText())
        .contains(steps.get(0).get("output").asText().substring(0, 20));

    // the decision logs are a projection of their own: they show the decisions once it has caught
    // up
    int shard = Partitioning.of("task-1", settings.partitions());
    eventually(
        () ->
            assertThat(decisionsOf("planner-" + shard))
                .anySatisfy(
                    d -> {
                      assertThat(d.get("kind").asText()).isEqualTo("PLAN");
                      assertThat(d.get("sagaId").asText()).isEqualTo("saga-task-1");
                      assertThat(d.get("payload").asText())
                          .isEqualTo("research.gather -> analysis.analyze -> write.draft");
                      assertThat(d.get("leaderEpoch").asLong()).isPositive();
                    }));
    int commandPartition = Partitioning.of("saga-task-1", settings.partitions());
    for (int i = 0; i < 3; i++) {
      String agentId = types.get(i) + "-" + commandPartition;
      int step = i;
      eventually(
          () -> {
            JsonNode decisions = decisionsOf(agentId);
            assertSequential(decisions);
            assertThat(decisions)
                .anySatisfy(
                    d -> {
                      assertThat(d.get("sagaId").asText()).isEqualTo("saga-task-1");
                      assertThat(d.get("stepIndex").asInt()).isEqualTo(step);
                      assertThat(d.get("kind").asText()).isEqualTo("STEP_RESULT");
                      assertThat(d.get("payload").asText())
                          .isEqualTo(steps.get(step).get("output").asText());
                    });
          });
    }
  }

  @Test
  void submittingTheSameTaskTwiceStartsOneSaga(ConclaveStack stack) throws Exception {
    // Given
    String body = "{\"taskId\":\"task-twice\",\"prompt\":\"Count the moons of Mars\"}";
    assertThat(http.postJson("/tasks", body).statusCode()).isEqualTo(202);
    http.awaitTaskStatus("task-twice", "COMPLETED");

    // When
    assertThat(http.postJson("/tasks", body).statusCode()).isEqualTo(202);

    // Then: once the coordinator has committed past the second submission, there is still one saga
    int shard = Partitioning.of("task-twice", settings.partitions());
    TopicPartition tasks = new TopicPartition(settings.topics().tasks(), shard);
    try (Admin admin = stack.admin()) {
      long end =
          admin
              .listOffsets(Map.of(tasks, org.apache.kafka.clients.admin.OffsetSpec.latest()))
              .partitionResult(tasks)
              .get()
              .offset();
      eventually(
          () -> {
            OffsetAndMetadata committed =
                admin
                    .listConsumerGroupOffsets(settings.topics().prefix() + "-coordinator")
                    .partitionsToOffsetAndMetadata()
                    .get()
                    .get(tasks);
            assertThat(committed).isNotNull();
            assertThat(committed.offset()).isGreaterThanOrEqualTo(end);
          });
    }
    List<SagaEvent> events = conclave.client().sagaEvents("saga-task-twice");
    assertThat(events).filteredOn(e -> e instanceof SagaEvent.Started).hasSize(1);
    assertThat(events).filteredOn(e -> e instanceof SagaEvent.StepCompleted).hasSize(3);
    assertThat(events).filteredOn(e -> e instanceof SagaEvent.Completed).hasSize(1);
  }

  @Test
  void everyShardHasALeaderWithAnEpochAndAStartTime() throws Exception {
    eventually(
        () -> {
          HttpResponse<String> r = http.get("/leaders");
          assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
          JsonNode leaders = json.readTree(r.body());
          assertThat(leaders).hasSize(settings.partitions());
          for (int shard = 0; shard < settings.partitions(); shard++) {
            JsonNode leader = leaders.get(shard);
            assertThat(leader.get("shard").asInt()).isEqualTo(shard);
            assertThat(leader.get("epoch").asLong()).isPositive();
            assertThat(leader.get("memberId").asText()).startsWith("coordinator-");
            assertThat(leader.get("since").asText()).isNotBlank();
          }
        });
  }

  private JsonNode decisionsOf(String agentId) throws Exception {
    HttpResponse<String> r = http.get("/agents/" + agentId + "/decisions");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return json.readTree(r.body());
  }

  private static void assertSequential(JsonNode decisions) {
    long expected = 0;
    for (JsonNode d : decisions) {
      assertThat(d.get("sequence").asLong()).isEqualTo(expected++);
    }
  }
}
