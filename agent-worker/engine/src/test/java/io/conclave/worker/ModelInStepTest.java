package io.conclave.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.conclave.agent.CompensationRequest;
import io.conclave.agent.StepRequest;
import io.conclave.agent.StepResult;
import io.conclave.model.crdt.HybridClock;
import io.conclave.model.eventlog.Decision;
import io.conclave.model.eventlog.Tally;
import io.conclave.model.journal.AgentJournal;
import io.conclave.model.journal.FoldedLog;
import io.conclave.model.saga.SagaStep;
import io.conclave.models.CallLedger;
import io.conclave.models.FailedModelCall;
import io.conclave.models.ModelCall;
import io.conclave.models.OpenAiChatModel;
import io.conclave.models.ResilientModel;
import io.conclave.runtime.resilience.CallPipeline;
import io.conclave.runtime.resilience.CallPolicies;
import io.conclave.runtime.resilience.CallPolicy;
import io.conclave.runtime.resilience.CallRejectedException;
import io.conclave.testkit.FakeModelServer;
import io.conclave.testkit.FakeModelServer.Reply;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A model behind its pipeline as the step engine asks it, against a fake model server on loopback:
 * a step whose model fails hard fails once, with the failed call in the ledger, and the calls,
 * breakers, steps and their cost are served for Prometheus.
 */
class ModelInStepTest {
  private final FakeModelServer server;

  ModelInStepTest() throws Exception {
    server = new FakeModelServer();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  /** gpt-test as the research agents ask it: the default pipeline, measured in {@code metrics}. */
  private ResilientModel model(MeterRegistry metrics) {
    return new ResilientModel(
        new OpenAiChatModel(
            server.baseUrl(),
            "gpt-test",
            Optional.empty(),
            Duration.ofSeconds(5),
            Clock.systemUTC()),
        "research",
        new CallPipeline("model:gpt-test/research", CallPolicy.DEFAULTS, (name, from, to) -> {}),
        Optional.empty(),
        metrics);
  }

  @Test
  void aStepWhoseModelFailsHardFailsOnceWithoutRetryingTheStep() {
    server.then(
        Reply.error(500, "a"),
        Reply.error(500, "b"),
        Reply.error(500, "c"),
        Reply.answer("too late"));
    var model = model(new SimpleMeterRegistry());
    var journal = new AgentJournal<>("research-0", Tally.FOLD, FoldedLog.empty(Tally.EMPTY), 0);
    var origin =
        new AgentJournal.Origin(
            Optional.of("saga-1"), Optional.of(0), Instant.EPOCH, Optional.empty());

    StepRunner.Ran ran =
        StepRunner.run(
            AskingAgent.INSTANCE,
            journal,
            new StepRequest(
                "saga-1", "t1", 0, new SagaStep("research", "gather", "x", "discard"), "q", 0),
            origin,
            CallPolicies.forStep(Duration.ofSeconds(30), 3, Duration.ofMillis(1)),
            model,
            KnowledgeAccess.ownOnly(Clock.systemUTC()));

    // the model's pipeline made its 3 attempts; the step did not start over (it would have asked 3
    // x 3 times)
    assertThat(ran.result()).isInstanceOf(StepResult.Failed.class);
    assertThat(((StepResult.Failed) ran.result()).reason())
        .contains("ServiceUnavailableException")
        .contains("answered 500: c");
    assertThat(server.received()).hasSize(3);
    // the ledger keeps the failed call (the model's pipeline gave up on it once), then the step's
    // failure
    assertThat(ran.decisions())
        .extracting(Decision::kind)
        .containsExactly(FailedModelCall.KIND, StepEngine.FAILURE_DECISION);
    FailedModelCall failed = FailedModelCall.of(ran.decisions().get(0));
    assertThat(failed.model()).isEqualTo("gpt-test");
    assertThat(failed.prompt()).isEqualTo("q");
    assertThat(failed.error())
        .startsWith("ServiceUnavailableException: ")
        .contains("answered 500: c");
  }

  @Test
  void callsAndTheBreakerAreMeasuredForPrometheus() throws Exception {
    server.then(Reply.answer("yes"), Reply.error(400, "no"));
    var metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    var model = model(metrics);
    model.complete("q");
    assertThatThrownBy(() -> model.complete("q")).isInstanceOf(CallRejectedException.class);
    String scraped = metrics.scrape();

    assertThat(scraped)
        .contains(
            "conclave_model_calls_seconds_count{agent_type=\"research\",model=\"gpt-test\","
                + "outcome=\"answered\"} 1")
        .contains(
            "conclave_model_calls_seconds_count{agent_type=\"research\",model=\"gpt-test\","
                + "outcome=\"CallRejectedException\"} 1")
        .contains("conclave_model_calls_seconds_bucket{")
        .containsPattern(
            "conclave_model_tokens_total\\{agent_type=\"research\",direction=\"output\","
                + "model=\"gpt-test\"} [1-9]")
        .contains(
            "conclave_breaker_state{agent_type=\"research\",breaker=\"model:gpt-test/research\"} 0");
  }

  @Test
  void stepsCompensationsAndTheCostOfTheirCallsAreMeasuredForPrometheus() {
    server.then(Reply.answer("found")); // 5 prompt and 2 completion tokens
    var metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    var model = model(metrics);
    // 1.00 a million input tokens, 3.00 a million output tokens: 5 + 6 micro-units
    var ledger =
        new CallLedger(Map.of("gpt-test", new CallLedger.Price(1_000_000, 3_000_000)), true);
    var knowledge =
        new KnowledgeAccess(new HybridClock(Clock.systemUTC()), key -> Optional.empty(), ledger);
    var journal = new AgentJournal<>("research-0", Tally.FOLD, FoldedLog.empty(Tally.EMPTY), 0);
    var origin =
        new AgentJournal.Origin(
            Optional.of("saga-1"), Optional.of(0), Instant.EPOCH, Optional.empty());
    var step = new SagaStep("research", "gather", "x", "discard");
    var policies =
        CallPolicies.<StepResult>forStep(Duration.ofSeconds(30), 1, Duration.ofMillis(1));

    StepRunner.Ran ran =
        StepRunner.run(
            AskingAgent.INSTANCE,
            journal,
            new StepRequest("saga-1", "t1", 0, step, "q", 0),
            origin,
            policies,
            model,
            knowledge,
            new StepSpending("acme", OptionalLong.empty(), "step 0 of saga-1"),
            metrics);
    StepRunner.compensate(
        AskingAgent.INSTANCE,
        journal,
        new CompensationRequest("saga-1", "t1", 0, step, "found", "a later step failed", 1),
        origin,
        policies,
        model,
        knowledge,
        StepSpending.unlimited(),
        metrics);

    assertThat(ran.result()).isEqualTo(new StepResult.Completed("found"));
    assertThat(ModelCall.of(ran.decisions().get(0)).costMicros()).isEqualTo(11);
    assertThat(metrics.scrape())
        .contains(
            "conclave_step_seconds_count{agent_type=\"research\",kind=\"step\",outcome=\"completed\"} 1")
        .contains(
            "conclave_step_seconds_count{agent_type=\"research\",kind=\"compensation\","
                + "outcome=\"completed\"} 1")
        .contains("conclave_step_seconds_bucket{")
        .doesNotContain("outcome=\"failed\"")
        .contains("conclave_model_cost_total{agent_type=\"research\",model=\"gpt-test\"} 11.0");
  }
}
