package io.conclave.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.conclave.agent.CompensationRequest;
import io.conclave.agent.LlmClient;
import io.conclave.agent.StepRequest;
import io.conclave.agent.StepResult;
import io.conclave.agent.chat.ChatRequest;
import io.conclave.agent.chat.ChatResponse;
import io.conclave.model.cluster.RedrivenStep;
import io.conclave.model.crdt.HybridClock;
import io.conclave.model.eventlog.Decision;
import io.conclave.model.journal.AgentJournal;
import io.conclave.model.journal.FoldedLog;
import io.conclave.model.knowledge.KnowledgeDelta;
import io.conclave.model.saga.SagaStep;
import io.conclave.models.CallLedger;
import io.conclave.models.FailedModelCall;
import io.conclave.models.ModelCall;
import io.conclave.runtime.resilience.BudgetExceededException;
import io.conclave.runtime.resilience.CallPolicies;
import io.conclave.runtime.resilience.CallPolicy;
import io.conclave.worker.remote.FakeRemoteAgent;
import io.conclave.worker.remote.FakeRemoteAgent.Reply;
import io.conclave.worker.remote.RemoteAgent;
import io.conclave.worker.remote.RemoteAgents;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A remote agent's steps as the worker runs them ({@link StepRunner}): against a fake agent over
 * HTTP, what it answers becomes the step's result, decisions, state and knowledge, its model calls
 * are recorded, and each failure gets a Java agent's treatment.
 */
class RemoteAgentStepTest {
  private static final SagaStep STEP = new SagaStep("research", "gather", "x", "discard");

  private final CallLedgerTest.MeteredModel model = new CallLedgerTest.MeteredModel();
  private LlmClient answering = model;
  private FakeRemoteAgent fake;
  private RemoteAgents remote;
  private AgentJournal<String> journal =
      new AgentJournal<>(
          "research-0", RemoteAgent.FOLD, FoldedLog.empty(RemoteAgent.FOLD.initial()), 0);

  @AfterEach
  void stop() {
    if (remote != null) {
      remote.close();
    }
    if (fake != null) {
      fake.close();
    }
  }

  /** A remote research agent at the fake, its breaker opening after 2 failures of 2 calls. */
  private RemoteAgent agent(FakeRemoteAgent answering, Duration timeout) {
    fake = answering;
    var policy =
        new CallPolicy(
            timeout,
            1,
            Duration.ofMillis(1),
            Duration.ofMillis(1),
            Duration.ZERO,
            2,
            2,
            Duration.ofMinutes(10),
            1,
            4,
            0,
            timeout);
    remote =
        new RemoteAgents(
            Map.of("research", fake.url()),
            policy,
            RemoteAgents.EndpointAddress.LOOPBACK,
            Clock.systemUTC());
    return (RemoteAgent) remote.agent("research").orElseThrow();
  }

  private RemoteAgent agent(FakeRemoteAgent answering) {
    return agent(answering, Duration.ofSeconds(10));
  }

  private StepRunner.Ran step(RemoteAgent agent, int attempts) {
    return StepRunner.run(
        agent,
        journal,
        new StepRequest("saga-t1", "t1", 0, STEP, "the question", 1),
        new AgentJournal.Origin(
            Optional.of("saga-t1"), Optional.of(0), Instant.EPOCH, Optional.empty()),
        CallPolicies.forStep(Duration.ofSeconds(30), attempts, Duration.ofMillis(1)),
        answering,
        KnowledgeAccess.ownOnly(Clock.systemUTC()));
  }

  /** The fake agent asks the step's model "why?". */
  private static Reply askWhy(JsonNode request) {
    return FakeRemoteAgent.callModel(
        request, "/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"why?\"}]}");
  }

  private static List<String> kinds(StepRunner.Ran ran) {
    return ran.decisions().stream().map(Decision::kind).toList();
  }

  @Test
  void theAnswerGivesTheResultDecisionsStateAndKnowledge() {
    // given
    RemoteAgent agent =
        agent(
            new FakeRemoteAgent(
                request ->
                    Reply.ok(
                        """
                        {"status":"completed","output":"found it",
                         "decisions":[{"kind":"RESEARCHED","payload":"3 sources"}],
                         "state":{"seen":1},
                         "knowledge":[{"op":"increment","key":"searches","n":2},
                                      {"op":"addToSet","key":"topics","element":"kafka"}]}
                        """)));

    // when
    StepRunner.Ran ran = step(agent, 3);

    // then
    assertThat(ran.result()).isEqualTo(new StepResult.Completed("found it"));
    assertThat(kinds(ran))
        .containsExactly("RESEARCHED", "STATE", KnowledgeDelta.DECISION, KnowledgeDelta.DECISION);
    assertThat(ran.decisions().get(0).payload()).isEqualTo("3 sources");
    assertThat(journal.state()).isEqualTo("{\"seen\":1}");
    var sent = fake.received().get(0);
    assertThat(sent.idempotencyKey()).isEqualTo("saga-t1/0/1");
    assertThat(sent.contentType()).startsWith("application/json");
    assertThat(sent.body().path("kind").asText()).isEqualTo("act");
    assertThat(sent.body().path("agentId").asText()).isEqualTo("research-0");
    assertThat(sent.body().path("idempotencyKey").asText()).isEqualTo("saga-t1/0/1");
    assertThat(sent.body().path("input").asText()).isEqualTo("the question");
    assertThat(sent.body().path("step").path("action").asText()).isEqualTo("gather");
    assertThat(sent.body().path("state").isNull()).isTrue();
    assertThat(sent.body().path("model").path("model").asText()).isEqualTo("gpt-test");
    assertThat(Instant.parse(sent.body().path("deadline").asText())).isAfter(Instant.EPOCH);
  }

  @Test
  void theStateReturnedComesBackInTheNextRequest() {
    // given: an agent that counts its steps in its state
    RemoteAgent agent =
        agent(
            new FakeRemoteAgent(
                request -> {
                  int n = request.path("state").path("steps").asInt(0) + 1;
                  return Reply.ok(
                      "{\"status\":\"completed\",\"output\":\"step "
                          + n
                          + "\",\"state\":{\"steps\":"
                          + n
                          + "}}");
                }));

    // when
    step(agent, 1);
    StepRunner.Ran second = step(agent, 1);

    // then
    assertThat(fake.received().get(1).body().path("state").path("steps").asInt()).isEqualTo(1);
    assertThat(second.result()).isEqualTo(new StepResult.Completed("step 2"));
    assertThat(journal.state()).isEqualTo("{\"steps\":2}");
  }

  @Test
  void theAgentsModelCallsGoThroughTheStepAndAreRecorded() {
    // given: an agent asking the step's model endpoint with a standard OpenAI body
    RemoteAgent agent =
        agent(
            new FakeRemoteAgent(
                request -> {
                  Reply models = FakeRemoteAgent.callModel(request, "/models", null);
                  Reply chat =
                      FakeRemoteAgent.callModel(
                          request,
                          "/chat/completions",
                          """
                          {"model":"whatever","messages":[{"role":"user","content":"why?"}],
                           "temperature":0.2,"stream":false}
                          """);
                  String answer =
                      FakeRemoteAgent.json(chat.body())
                          .path("choices")
                          .path(0)
                          .path("message")
                          .path("content")
                          .asText();
                  return Reply.ok(
                      "{\"status\":\"completed\",\"output\":\""
                          + models.status()
                          + " "
                          + chat.status()
                          + " "
                          + answer
                          + "\"}");
                }));

    // when
    StepRunner.Ran ran = step(agent, 1);

    // then
    assertThat(ran.result()).isEqualTo(new StepResult.Completed("200 200 answer to why?"));
    assertThat(model.calls).hasValue(1);
    assertThat(kinds(ran)).containsExactly(ModelCall.KIND);
    assertThat(ModelCall.of(ran.decisions().get(0)).answer()).isEqualTo("answer to why?");
    assertThat(ran.tokens()).isEqualTo(1200);
    // and the endpoint is closed once the step is over
    Reply late =
        FakeRemoteAgent.callModel(
            fake.received().get(0).body(),
            "/chat/completions",
            "{\"messages\":[{\"role\":\"user\",\"content\":\"again\"}]}");
    assertThat(late.status()).isEqualTo(401);
    assertThat(model.calls).hasValue(1);
  }

  @Test
  void aRedriveAnswersTheAgentsModelCallsFromTheRecording() {
    // given: a recorded step whose agent asked the model
    RemoteAgent agent =
        agent(
            new FakeRemoteAgent(
                request -> {
                  Reply chat = askWhy(request);
                  return Reply.ok(
                      "{\"status\":\"completed\",\"output\":"
                          + FakeRemoteAgent.json(chat.body())
                              .path("choices")
                              .path(0)
                              .path("message")
                              .path("content")
                          + "}");
                }));
    StepRunner.Ran live = step(agent, 1);
    var recorded =
        new Redrive.RecordedStep(
            "saga-t1",
            "t1",
            0,
            STEP,
            "the question",
            Optional.of("answer to why?"),
            Optional.empty(),
            "research-0",
            live.decisions());

    // when
    RedrivenStep redriven =
        Redrive.step(
            agent, recorded, FoldedLog.empty(RemoteAgent.FOLD.initial()), "r1", Instant.EPOCH);

    // then: the model was not asked again, and the agent knew it was a re-drive
    assertThat(redriven.outcome()).isEqualTo(RedrivenStep.Outcome.SAME);
    assertThat(redriven.modelCalls()).isEqualTo(1);
    assertThat(model.calls).hasValue(1);
    assertThat(fake.received().get(1).body().path("redrive").asBoolean()).isTrue();
    assertThat(fake.received().get(0).body().path("redrive").asBoolean()).isFalse();
  }

  @Test
  void aServerErrorIsRetriedThenTheStepFails() {
    // given
    RemoteAgent agent =
        agent(new FakeRemoteAgent(request -> new Reply(500, "{\"title\":\"boom\"}")));

    // when
    StepRunner.Ran ran = step(agent, 2);

    // then
    assertThat(fake.received()).hasSize(2);
    assertThat(ran.result()).isInstanceOf(StepResult.Failed.class);
    assertThat(((StepResult.Failed) ran.result()).reason()).contains("answered 500: boom");
    assertThat(kinds(ran)).containsExactly(StepEngine.FAILURE_DECISION);
  }

  @Test
  void aModelFailureTheAgentPassesOnFailsTheStepAtOnceAsForAJavaAgent() {
    // given: the step's budget is spent, and the agent answers 500 when its model call fails
    answering =
        new LlmClient() {
          @Override
          public String model() {
            return "gpt-test";
          }

          @Override
          public ChatResponse chat(ChatRequest request) {
            throw new BudgetExceededException("step 0 of saga-t1 may spend 0 tokens");
          }
        };
    RemoteAgent agent =
        agent(
            new FakeRemoteAgent(
                request -> {
                  Reply chat = askWhy(request);
                  return new Reply(500, "{\"title\":\"model said " + chat.status() + "\"}");
                }));

    // when
    StepRunner.Ran ran = step(agent, 3);

    // then: not retried; the step fails with the model's failure, which its agent saw as a 429
    assertThat(fake.received()).hasSize(1);
    assertThat(((StepResult.Failed) ran.result()).reason())
        .startsWith("BudgetExceededException: step 0 of saga-t1 may spend 0 tokens");
    assertThat(kinds(ran)).containsExactly(FailedModelCall.KIND, StepEngine.FAILURE_DECISION);
  }

  @Test
  void anAgentThatHangsTimesOut() {
    // given
    RemoteAgent agent = agent(new FakeRemoteAgent(request -> Reply.hang()), Duration.ofMillis(300));

    // when
    StepRunner.Ran ran = step(agent, 1);

    // then
    assertThat(ran.result()).isInstanceOf(StepResult.Failed.class);
    assertThat(((StepResult.Failed) ran.result()).reason())
        .containsAnyOf("no answer within", "timed out");
  }

  @Test
  void garbageIsDeadLetteredNamingWhatIsWrong() {
    RemoteAgent agent = agent(new FakeRemoteAgent(request -> Reply.ok("<html>oops</html>")));

    assertThatThrownBy(() -> step(agent, 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not JSON");
    assertThat(fake.received()).hasSize(1);
  }

  @Test
  void anAnswerOfTheWrongShapeIsDeadLetteredNamingTheField() {
    RemoteAgent agent =
        agent(new FakeRemoteAgent(request -> Reply.ok("{\"status\":\"completed\",\"output\":42}")));

    assertThatThrownBy(() -> step(agent, 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("output must be a string");
  }

  @Test
  void aRefusalOfTheInputIsDeadLettered() {
    RemoteAgent agent =
        agent(
            new FakeRemoteAgent(
                request ->
                    new Reply(422, "{\"title\":\"Bad input\",\"detail\":\"no question in it\"}")));

    assertThatThrownBy(() -> step(agent, 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("refused the input (422): Bad input: no question in it");
    assertThat(fake.received()).hasSize(1);
    // a refusal is the input's fault, not the agent's
    assertThat(agent.unavailable()).isFalse();
  }

  @Test
  void theBreakerOpensAfterRepeatedFailuresAndTheTypeIsHeld() {
    // given: two steps failed against an agent answering 503
    RemoteAgent agent = agent(new FakeRemoteAgent(request -> new Reply(503, "down")));
    step(agent, 1);
    step(agent, 1);

    // when
    StepRunner.Ran third = step(agent, 3);

    // then: the third step fails at once, without a call
    assertThat(agent.unavailable()).isTrue();
    assertThat(fake.received()).hasSize(2);
    assertThat(((StepResult.Failed) third.result()).reason()).contains("circuit breaker open");
  }

  @Test
  void aCompensationIsOneRequestOfKindCompensate() {
    // given
    RemoteAgent agent =
        agent(
            new FakeRemoteAgent(
                request ->
                    Reply.ok(
                        "{\"status\":\"completed\",\"output\":\"undone\",\"decisions\":"
                            + "[{\"kind\":\"COMPENSATED\",\"payload\":\"discarded\"}]}")));

    // when
    StepRunner.Ran ran =
        StepRunner.compensate(
            agent,
            journal,
            new CompensationRequest("saga-t1", "t1", 0, STEP, "found it", "step 1 failed", 1),
            new AgentJournal.Origin(
                Optional.of("saga-t1"), Optional.of(0), Instant.EPOCH, Optional.empty()),
            CallPolicies.forStep(Duration.ofSeconds(30), 1, Duration.ofMillis(1)),
            model,
            new KnowledgeAccess(
                new HybridClock(Clock.systemUTC()), key -> Optional.empty(), CallLedger.FREE),
            StepSpending.unlimited(),
            new io.micrometer.core.instrument.simple.SimpleMeterRegistry());

    // then
    assertThat(ran.result()).isEqualTo(new StepResult.Completed("undone"));
    assertThat(kinds(ran)).containsExactly("COMPENSATED");
    var sent = fake.received().get(0);
    assertThat(sent.body().path("kind").asText()).isEqualTo("compensate");
    assertThat(sent.body().path("output").asText()).isEqualTo("found it");
    assertThat(sent.body().path("reason").asText()).isEqualTo("step 1 failed");
    assertThat(sent.idempotencyKey()).isEqualTo("saga-t1/0/undo/1");
  }
}
