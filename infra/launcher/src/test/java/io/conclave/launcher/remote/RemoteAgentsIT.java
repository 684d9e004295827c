package io.conclave.launcher.remote;

import static io.conclave.testkit.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.conclave.agent.DecisionKinds;
import io.conclave.launcher.dev.ChildProcess;
import io.conclave.launcher.harness.Cli;
import io.conclave.launcher.harness.ExampleAgent;
import io.conclave.launcher.harness.ExampleAgent.Language;
import io.conclave.launcher.harness.InProcessConclave;
import io.conclave.model.eventlog.AgentIds;
import io.conclave.model.eventlog.Decision;
import io.conclave.model.saga.Saga;
import io.conclave.model.saga.SagaEvent;
import io.conclave.model.saga.SagaState;
import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.runtime.topics.Partitioning;
import io.conclave.testkit.ConclaveStack;
import io.conclave.testkit.ConclaveStackExtension;
import io.conclave.testkit.StackClient;
import io.conclave.worker.remote.RemoteAgents;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Agents in other languages on a real broker and registry: a worker process drives the Node and
 * Python examples of {@code examples/} over HTTP ({@code conclave.worker.remote-agents}), one agent
 * type each, and their model calls go through the worker's per-step endpoint. A saga served by both
 * completes with their decisions and model calls in the agents' logs, and {@code conclave redrive}
 * re-runs it as recorded; a worker killed (SIGKILL) in the middle of a remote step leaves one
 * completion and one effect of it; agents that answer 500, hang or answer garbage fail their step
 * (the saga compensates) or get their command dead-lettered.
 */
@ExtendWith(ConclaveStackExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RemoteAgentsIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<String, ExampleAgent> agents = new LinkedHashMap<>();
  private final Map<String, Path> effects = new LinkedHashMap<>();
  private List<String> remoteProperties;
  private ConclaveSettings settings;
  private InProcessConclave conclave;
  private StackClient client;

  @BeforeAll
  void start(ConclaveStack stack) throws Exception {
    // one agent process per type: the healthy ones keep their effects in a file
    start("research", Language.NODE, Map.of());
    start("analysis", Language.PYTHON, Map.of());
    start("slow", Language.NODE, Map.of("SLOW_MS", "3000"));
    start("broken", Language.NODE, Map.of("FAULT", "500"));
    start("hanging", Language.PYTHON, Map.of("FAULT", "hang"));
    start("garbled", Language.NODE, Map.of("FAULT", "garbage"));
    String remoteAgents =
        agents.entrySet().stream()
            .map(e -> e.getKey() + "=" + e.getValue().url())
            .collect(Collectors.joining(","));
    remoteProperties =
        List.of(
            "-D" + RemoteAgents.AGENTS.property() + "=" + remoteAgents,
            "-Dconclave.remote.timeout-ms=6000");
    settings =
        stack.prepare(
            ConclaveSettings.from(
                    Map.of(),
                    Map.of(
                        "conclave.agent-types",
                        String.join(",", agents.keySet()),
                        "conclave.saga.deadline-grace-ms",
                        "500"))
                .withEndpoints(stack.bootstrapServers(), stack.registryUrl())
                .withTopicPrefix("remote-" + UUID.randomUUID().toString().substring(0, 8)));
    conclave =
        InProcessConclave.with(settings)
            .workers(0)
            .workerProcesses(1, remoteProperties)
            // the projections fold remote types' logs with the remote agents' fold
            .projections(Map.of(RemoteAgents.AGENTS.property(), remoteAgents))
            .start();
    client = conclave.client();
  }

  private void start(String type, Language language, Map<String, String> environment)
      throws Exception {
    Map<String, String> env = new LinkedHashMap<>(environment);
    if (!environment.containsKey("FAULT")) {
      Path file = Files.createTempFile(type + "-effects", ".jsonl");
      effects.put(type, file);
      env.put("EFFECTS_FILE", file.toString());
    }
    agents.put(type, ExampleAgent.start(type + "-agent", language, env));
  }

  @AfterAll
  void stop() throws Exception {
    if (conclave != null) {
      conclave.close();
    }
    agents.values().forEach(ExampleAgent::close);
  }

  @Test
  @Order(1)
  void aSagaServedByTheNodeAndPythonAgentsIsRecordedAndReDrivesAsRecorded() throws Exception {
    // when: research runs in Node, analysis in Python
    String sagaId = run("mixed-1", "research", "analysis");

    // then: each step completed once, with the agent's decisions and model call in its log
    SagaState saga = client.awaitEnd(sagaId);
    assertThat(saga.status()).isEqualTo(SagaState.Status.COMPLETED);
    List<SagaEvent> events = client.sagaEvents(sagaId);
    assertThat(events).filteredOn(e -> e instanceof SagaEvent.StepCompleted).hasSize(2);
    for (String type : List.of("research", "analysis")) {
      List<Decision> decisions = decisionsOf(type, sagaId);
      assertThat(decisions)
          .as(type + "'s log")
          .extracting(Decision::kind)
          .contains(DecisionKinds.RESULT, DecisionKinds.MODEL_CALL, "STATE");
      assertThat(decisions)
          .filteredOn(d -> d.kind().equals(DecisionKinds.RESULT))
          .singleElement()
          .extracting(Decision::payload)
          .isEqualTo(output(events, type));
      assertThat(effectsOf(type, sagaId)).as(type + "'s effects").hasSize(1);
    }
    // and: the state the Node agent returned is its state in the projections too
    String research = AgentIds.of("research", Partitioning.of(sagaId, settings.partitions()));
    JsonNode view = JSON.readTree(conclave.http().get("/agents/" + research + "/state").body());
    assertThat(view.path("fold").asText()).as(view.toString()).isEqualTo("remote-agent/1");
    assertThat(view.path("state").path("steps").asInt()).as(view.toString()).isEqualTo(1);

    // when: conclave redrive runs it again with the same agents
    Cli.Result redrive =
        Cli.run(settings, remoteProperties, "redrive", sagaId, "--offline-agents", "--json");

    // then: both steps as recorded, and no effect done again
    assertThat(redrive.exitCode()).as(redrive.err()).isZero();
    JsonNode report = JSON.readTree(redrive.out().get(redrive.out().size() - 1));
    assertThat(report.path("steps")).hasSize(2);
    assertThat(report.path("steps"))
        .allSatisfy(step -> assertThat(step.path("outcome").asText()).isEqualTo("SAME"));
    assertThat(report.path("same").asInt()).isEqualTo(2);
    for (String type : List.of("research", "analysis")) {
      assertThat(effectsOf(type, sagaId)).as(type + "'s effects after the re-drive").hasSize(1);
    }
  }

  @Test
  @Order(2)
  void agentsThatFailTimeOutOrAnswerGarbageFailTheirStepOrAreDeadLettered() throws Exception {
    // when: the second step of each saga is served by a faulty agent
    String failing = run("fault-500", "research", "broken");
    String hanging = run("fault-hang", "analysis", "hanging");
    String garbled = run("fault-garbage", "garbled");

    // then: a 500 and no answer in time fail the step, and the saga undoes the step before it
    for (String sagaId : List.of(failing, hanging)) {
      SagaState saga = client.awaitEnd(sagaId);
      assertThat(saga.status()).as(sagaId).isEqualTo(SagaState.Status.COMPENSATED);
      List<SagaEvent> events = client.sagaEvents(sagaId);
      assertThat(events)
          .filteredOn(e -> e instanceof SagaEvent.StepFailed f && f.stepIndex() == 1)
          .as(sagaId)
          .hasSize(1);
      assertThat(events)
          .filteredOn(e -> e instanceof SagaEvent.Compensated c && c.stepIndex() == 0)
          .as(sagaId)
          .hasSize(1);
    }
    assertThat(failedStep(failing).error()).contains("500");
    assertThat(decisionsOf("research", failing))
        .extracting(Decision::kind)
        .contains(DecisionKinds.COMPENSATION);
    assertThat(decisionsOf("analysis", hanging))
        .extracting(Decision::kind)
        .contains(DecisionKinds.COMPENSATION);

    // ... and an answer that breaks the protocol can never succeed: the command is dead-lettered
    eventually(
        () ->
            assertThat(client.deadLetters())
                .anySatisfy(
                    d -> {
                      assertThat(d.sourceTopic()).isEqualTo(settings.topics().commands("garbled"));
                      assertThat(d.errorMessage()).contains("not JSON");
                    }));
    assertThat(client.sagaEvents(garbled)).noneMatch(e -> e instanceof SagaEvent.StepCompleted);
  }

  @Test
  @Order(3)
  void aWorkerKilledInTheMiddleOfARemoteStepLeavesOneCompletionAndOneEffect() throws Exception {
    // given: the second step's agent takes 3 s
    String sagaId = run("kill-1", "research", "slow");
    ExampleAgent slow = agents.get("slow");

    // when: the worker is killed while the agent works on the step, and another takes over
    eventually(
        () ->
            assertThat(slow.output())
                .anyMatch(l -> l.startsWith("act " + sagaId + "/1/") && l.endsWith(": started")));
    List<ChildProcess> workers = conclave.workerProcesses();
    workers.get(workers.size() - 1).kill();
    conclave.startWorkerProcess();

    // then: the saga completes, its slow step once, in the saga, the agent's log and the world
    SagaState saga = client.awaitEnd(sagaId);
    assertThat(saga.status()).isEqualTo(SagaState.Status.COMPLETED);
    assertThat(client.sagaEvents(sagaId))
        .filteredOn(e -> e instanceof SagaEvent.StepCompleted c && c.stepIndex() == 1)
        .hasSize(1);
    assertThat(decisionsOf("slow", sagaId))
        .filteredOn(d -> d.kind().equals(DecisionKinds.RESULT))
        .hasSize(1);
    assertThat(effectsOf("slow", sagaId)).hasSize(1);
  }

  /**
   * Submits a task whose plan is a step of each of {@code types}, in order; returns its saga's id.
   */
  private String run(String taskId, String... types) {
    Saga.Builder plan = null;
    for (String type : types) {
      plan =
          plan == null
              ? Saga.step(type, "act as " + type, "undo")
              : plan.step(type, "act as " + type, "undo");
    }
    client.submit(taskId, "why is the sky blue?", plan.build().steps());
    return "saga-" + taskId;
  }

  /** The decisions about {@code sagaId} in the log of the type's agent that served it. */
  private List<Decision> decisionsOf(String type, String sagaId) {
    String agentId = AgentIds.of(type, Partitioning.of(sagaId, settings.partitions()));
    return client.decisionsOf(agentId).stream()
        .map(StackClient.Logged::decision)
        .filter(d -> d.sagaId().equals(Optional.of(sagaId)))
        .toList();
  }

  /** The effects the type's agent recorded for the saga's steps, keyed by idempotency key. */
  private List<JsonNode> effectsOf(String type, String sagaId) throws Exception {
    List<JsonNode> mine = new ArrayList<>();
    for (String line : Files.readAllLines(effects.get(type))) {
      JsonNode effect = JSON.readTree(line);
      if (effect.path("idempotencyKey").asText().startsWith(sagaId + "/")
          && effect.path("kind").asText().equals("act")) {
        mine.add(effect);
      }
    }
    return mine;
  }

  private static String output(List<SagaEvent> events, String type) {
    return events.stream()
        .filter(e -> e instanceof SagaEvent.StepCompleted c && c.agentType().equals(type))
        .map(e -> ((SagaEvent.StepCompleted) e).output())
        .findFirst()
        .orElseThrow();
  }

  private SagaEvent.StepFailed failedStep(String sagaId) {
    return client.sagaEvents(sagaId).stream()
        .filter(e -> e instanceof SagaEvent.StepFailed)
        .map(SagaEvent.StepFailed.class::cast)
        .findFirst()
        .orElseThrow();
  }
}
