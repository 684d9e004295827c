package io.conclave.launcher.admin;

import static io.conclave.testkit.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.conclave.coordinator.Coordinator;
import io.conclave.launcher.harness.Cli;
import io.conclave.launcher.harness.Http;
import io.conclave.launcher.harness.InProcessConclave;
import io.conclave.projections.runtime.ProjectionTopology;
import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.testkit.ConclaveStack;
import io.conclave.testkit.ConclaveStackExtension;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Resetting by HTTP ({@code POST /admin/groups/{group}/reset}) and rebuilding stopped projections
 * by CLI ({@code conclave projections rebuild}): refused while the group has members, done once it
 * has none; bad input is a 400 (or 404) that says why.
 */
@ExtendWith(ConclaveStackExtension.class)
class AdminResetIT {
  private static final ObjectMapper json = new ObjectMapper();

  private ConclaveStack stack;
  private ConclaveSettings settings;
  private InProcessConclave projections;
  private Http http;
  private String group;

  /**
   * Each test has its own topics, groups and projections, so that none depends on what another did.
   */
  @BeforeEach
  void start(ConclaveStack stack) throws Exception {
    this.stack = stack;
    settings = stack.isolated("admin-reset");
    group = Coordinator.groupId(settings);
    startProjections();
  }

  @AfterEach
  void stop() throws Exception {
    projections.close();
  }

  @Test
  void aGroupResetIsRefusedWhileTheGroupIsActiveAndDoneOnceItIsStopped() throws Exception {
    String reset = "/admin/groups/" + group + "/reset";
    try (Admin admin = stack.admin()) {
      try (InProcessConclave coordinator = startCoordinator()) {
        // Given: a coordinator has handled two tasks
        submitTwoTasksAndAwaitThem(admin);

        // When / then: it is active, so nothing moves
        HttpResponse<String> refused =
            http.postJson(reset, "{\"topic\": \"tasks\", \"toOffset\": 0}");
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(409);
        assertThat(message(refused)).startsWith("group " + group + " is active (1 members");
        assertThat(committedOnTasks(admin)).isEqualTo(2);
      }

      // When: stopped (and the group has taken note)
      awaitEmpty(admin, group);
      HttpResponse<String> done = http.postJson(reset, "{\"topic\": \"tasks\", \"toOffset\": 0}");

      // Then: every partition is back at 0
      assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
      JsonNode body = json.readTree(done.body());
      assertThat(body.get("group").asText()).isEqualTo(group);
      assertThat(body.get("topic").asText()).isEqualTo(settings.topics().tasks());
      Map<String, Long> expected = new HashMap<>();
      for (int p = 0; p < settings.partitions(); p++) {
        expected.put(Integer.toString(p), 0L);
      }
      assertThat(offsets(body)).isEqualTo(expected);
      assertThat(committed(admin).values()).extracting(OffsetAndMetadata::offset).containsOnly(0L);

      // And: a time after every record moves each partition to its end
      String future = Instant.now().plus(Duration.ofDays(1)).toString();
      HttpResponse<String> toEnd =
          http.postJson(
              reset,
              "{\"topic\": \"" + settings.topics().tasks() + "\", \"toTime\": \"" + future + "\"}");
      assertThat(toEnd.statusCode()).as(toEnd.body()).isEqualTo(200);
      Map<String, Long> ends = new HashMap<>();
      for (int p = 0; p < settings.partitions(); p++) {
        var tp = new TopicPartition(settings.topics().tasks(), p);
        ends.put(
            Integer.toString(p),
            admin.listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp).get().offset());
      }
      assertThat(offsets(json.readTree(toEnd.body()))).isEqualTo(ends);
      assertThat(committedOnTasks(admin)).isEqualTo(2);
    }
  }

  @Test
  void badResetsAndRebuildsAreAnsweredWithA400OrA404ThatSaysWhy() throws Exception {
    String reset = "/admin/groups/" + group + "/reset";
    assertError(http.postJson(reset, ""), 400, "the body must be a JSON object");
    assertError(http.postJson(reset, "[1]"), 400, "the body must be a JSON object");
    assertThat(http.postJson(reset, "{").statusCode()).isEqualTo(400);
    assertError(http.postJson(reset, "{\"toOffset\": 0}"), 400, "topic is required");
    assertError(
        http.postJson(reset, "{\"topic\": \"tasks\"}"),
        400,
        "give exactly one of toOffset and toTime");
    assertError(
        http.postJson(
            reset, "{\"topic\": \"tasks\", \"toOffset\": 0, \"toTime\": \"2026-01-01T00:00:00Z\"}"),
        400,
        "give exactly one of toOffset and toTime");
    assertError(
        http.postJson(reset, "{\"topic\": \"tasks\", \"toOffset\": -1}"),
        400,
        "toOffset must be >= 0");
    assertError(
        http.postJson(reset, "{\"topic\": \"tasks\", \"toTime\": \"soon\"}"),
        400,
        "toTime must be an ISO-8601");
    assertError(
        http.postJson(reset, "{\"topic\": \"tasks\", \"to\": 0}"), 400, "unknown field 'to'");
    assertError(
        http.postJson(reset, "{\"topic\": \"nope\", \"toOffset\": 0}"),
        404,
        "no topic named " + settings.topics().prefix() + ".nope");
    assertError(
        http.postJson(reset, "{\"topic\": \"a/b\", \"toOffset\": 0}"),
        400,
        "a topic name may only contain");
    assertError(
        http.postJson(
            "/admin/groups/someone-else/reset", "{\"topic\": \"tasks\", \"toOffset\": 0}"),
        400,
        "only this installation's groups");

    String rebuild = "/admin/projections/rebuild";
    assertError(
        http.postJson(rebuild, "{\"fromOffset\": 1, \"fromTime\": \"2026-01-01T00:00:00Z\"}"),
        400,
        "give fromOffset or fromTime, not both");
    assertError(
        http.postJson(rebuild, "{\"fromOffset\": \"1\"}"), 400, "fromOffset must be a JSON number");
    assertError(http.postJson(rebuild, "{\"fromOffset\": -5}"), 400, "fromOffset must be >= 0");
    assertError(http.postJson(rebuild, "[]"), 400, "the body must be a JSON object");
    assertThat(http.postJson(rebuild, "{\"fromOffset\": ").statusCode()).isEqualTo(400);
  }

  @Test
  void theCliRebuildsStoppedProjectionsAndRefusesRunningOnes() throws Exception {
    String applicationId = ProjectionTopology.applicationId(settings.topics());
    // Given: a coordinator has handled two tasks, and stopped
    try (Admin admin = stack.admin()) {
      try (InProcessConclave coordinator = startCoordinator()) {
        submitTwoTasksAndAwaitThem(admin);
      }
      awaitEmpty(admin, group);
    }

    // When / then: refused while the projections run
    Cli.Result refused = Cli.run(settings, "projections", "rebuild");
    assertThat(refused.exitCode()).isEqualTo(1);
    assertThat(refused.err()).contains("conclave: group " + applicationId + " is active");

    // When: stopped (and the group has taken note)
    projections.close();
    try (Admin admin = stack.admin()) {
      awaitEmpty(admin, applicationId);
    }
    Cli.Result done = Cli.run(settings, "projections", "rebuild", "--from-offset", "0");

    // Then: each input partition back at 0, the changelogs deleted
    assertThat(done.exitCode()).as(done.err()).isZero();
    assertThat(done.out())
        .contains(
            settings.topics().tasks() + "-0 -> 0",
            settings.topics().sagaEvents() + "-2 -> 0",
            settings.topics().leadership() + "-0 -> 0",
            "deleted " + applicationId + "-task-sagas-changelog",
            "deleted " + applicationId + "-task-submissions-changelog");
    try (Admin admin = stack.admin()) {
      assertThat(admin.listTopics().names().get())
          .noneMatch(t -> t.startsWith(applicationId + "-"));
    }
    // and each step on standard error, none on standard output
    assertThat(done.err())
        .contains(
            "rebuild: moving the offsets of "
                + applicationId
                + " on "
                + ProjectionTopology.inputTopics(settings.topics()).size()
                + " input topics to offset 0",
            "rebuild: offsets moved on ",
            "rebuild: deleting "
                + done.out().stream().filter(l -> l.startsWith("deleted ")).count()
                + " internal topics",
            "rebuild: done");
    assertThat(done.out()).noneMatch(l -> l.startsWith("rebuild: "));
    // with --json, what POST /admin/projections/rebuild answers (nothing left to delete now);
    // --quiet: no steps
    Cli.Result again =
        Cli.run(settings, "projections", "rebuild", "--from-offset", "0", "--json", "--quiet");
    assertThat(again.exitCode()).as(again.err()).isZero();
    assertThat(again.out()).hasSize(1);
    JsonNode rebuilt = json.readTree(again.out().get(0));
    assertThat(rebuilt.path("applicationId").asText()).isEqualTo(applicationId);
    assertThat(rebuilt.path("from").asText()).isEqualTo("offset 0");
    assertThat(offsets(rebuilt))
        .containsEntry(settings.topics().tasks() + "-0", 0L)
        .containsEntry(settings.topics().sagaEvents() + "-2", 0L)
        .containsEntry(settings.topics().leadership() + "-0", 0L);
    assertThat(rebuilt.path("deletedTopics").isArray()).isTrue();
    assertThat(rebuilt.path("deletedTopics")).isEmpty();
    assertThat(again.err()).doesNotContain("rebuild: ");
    // the groups CLI prints the same way
    Cli.Result groups =
        Cli.run(
            settings,
            "groups",
            "reset",
            "--group",
            group,
            "--topic",
            "tasks",
            "--to-offset",
            "0",
            "--execute");
    assertThat(groups.exitCode()).as(groups.err()).isZero();
    assertThat(groups.out())
        .containsExactly(
            settings.topics().tasks() + "-0 -> 0",
            settings.topics().tasks() + "-1 -> 0",
            settings.topics().tasks() + "-2 -> 0");
    Cli.Result groupsJson =
        Cli.run(
            settings,
            "groups",
            "reset",
            "--group",
            group,
            "--topic",
            "tasks",
            "--to-offset",
            "0",
            "--execute",
            "--json");
    assertThat(groupsJson.exitCode()).as(groupsJson.err()).isZero();
    JsonNode reset = json.readTree(String.join("\n", groupsJson.out()));
    assertThat(reset.path("group").asText()).isEqualTo(group);
    assertThat(reset.path("topic").asText()).isEqualTo(settings.topics().tasks());
    assertThat(reset.path("to").asText()).isEqualTo("offset 0");
    assertThat(offsets(reset))
        .containsOnly(
            Map.entry(settings.topics().tasks() + "-0", 0L),
            Map.entry(settings.topics().tasks() + "-1", 0L),
            Map.entry(settings.topics().tasks() + "-2", 0L));
    // and the topics are all there, as topics create --json says
    Cli.Result topics = Cli.run(settings, "topics", "create", "--json");
    assertThat(topics.exitCode()).as(topics.err()).isZero();
    JsonNode report = json.readTree(String.join("\n", topics.out()));
    assertThat(report.path("problems")).isEmpty();
    assertThat(report.path("unchanged").toString())
        .contains(
            "\"" + settings.topics().tasks() + "\"", "\"" + settings.topics().decisions() + "\"");

    // And: started again, the projections rebuild their stores from the input
    startProjections();
    eventually(
        () -> {
          assertThat(http.get("/tasks/r-1").statusCode()).isEqualTo(200);
          assertThat(http.get("/tasks/r-2").statusCode()).isEqualTo(200);
        });
  }

  /** Tasks r-1 and r-2, submitted over HTTP, until the running coordinator has committed both. */
  private void submitTwoTasksAndAwaitThem(Admin admin) throws Exception {
    for (String id : List.of("r-1", "r-2")) {
      assertThat(
              http.postJson("/tasks", "{\"taskId\":\"" + id + "\",\"prompt\":\"p\"}").statusCode())
          .isEqualTo(202);
    }
    eventually(() -> assertThat(committedOnTasks(admin)).isEqualTo(2));
  }

  private static void awaitEmpty(Admin admin, String group) {
    eventually(
        () -> {
          var description = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
          assertThat(description.members()).isEmpty();
          assertThat(description.groupState()).isEqualTo(GroupState.EMPTY);
        });
  }

  /** The projections alone: the tests start and stop the coordinator on their own. */
  private void startProjections() throws Exception {
    projections = InProcessConclave.with(settings).noCoordinator().workers(0).start();
    http = projections.http();
  }

  /** A coordinator alone (no workers: the tests only need it to take and commit the tasks). */
  private InProcessConclave startCoordinator() throws Exception {
    return InProcessConclave.with(settings).workers(0).noProjections().start();
  }

  /**
   * The group's offsets on the tasks topic (the coordinators commit their saga-events offsets too).
   */
  private Map<TopicPartition, OffsetAndMetadata> committed(Admin admin) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> onTasks = new HashMap<>();
    admin
        .listConsumerGroupOffsets(group)
        .partitionsToOffsetAndMetadata()
        .get()
        .forEach(
            (tp, o) -> {
              if (tp.topic().equals(settings.topics().tasks())) {
                onTasks.put(tp, o);
              }
            });
    return onTasks;
  }

  private long committedOnTasks(Admin admin) throws Exception {
    return committed(admin).entrySet().stream()
        .filter(e -> e.getKey().topic().equals(settings.topics().tasks()))
        .mapToLong(e -> e.getValue().offset())
        .sum();
  }

  private static Map<String, Long> offsets(JsonNode body) {
    Map<String, Long> out = new HashMap<>();
    body.get("offsets").fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asLong()));
    return out;
  }

  private static String message(HttpResponse<String> r) throws Exception {
    return json.readTree(r.body()).get("message").asText();
  }

  private static void assertError(HttpResponse<String> r, int status, String message)
      throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(message(r)).startsWith(message);
  }
}
