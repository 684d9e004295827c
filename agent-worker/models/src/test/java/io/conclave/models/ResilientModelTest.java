package io.conclave.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.failsafe.CircuitBreaker;
import io.conclave.agent.LlmClient;
import io.conclave.agent.chat.ChatRequest;
import io.conclave.agent.chat.ChatResponse;
import io.conclave.runtime.resilience.CallPipeline;
import io.conclave.runtime.resilience.CallPolicy;
import io.conclave.runtime.resilience.CallRejectedException;
import io.conclave.runtime.resilience.MalformedAnswerException;
import io.conclave.runtime.resilience.RateLimitedException;
import io.conclave.runtime.resilience.ServiceUnavailableException;
import io.conclave.testkit.FakeModelServer;
import io.conclave.testkit.FakeModelServer.Reply;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A model behind its pipeline, against a fake model server on loopback that fails as real ones do:
 * only retryable failures are retried, the breaker opens after its threshold and closes after a
 * probe, the bulkhead refuses the excess, a hung call times out, and a fallback model answers when
 * the primary cannot.
 */
class ResilientModelTest {
  /**
   * Fast backoff, 3 attempts, breaker 5 of 10 for a minute (tests move it with Failsafe's
   * controls).
   */
  private static final CallPolicy POLICY =
      new CallPolicy(
          Duration.ofSeconds(5),
          3,
          Duration.ofMillis(1),
          Duration.ofMillis(5),
          Duration.ofSeconds(1),
          5,
          10,
          Duration.ofMinutes(1),
          1,
          4,
          0,
          Duration.ZERO);

  private final FakeModelServer server;
  private final List<String> transitions = new CopyOnWriteArrayList<>();

  ResilientModelTest() throws Exception {
    server = new FakeModelServer();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private ResilientModel model(CallPolicy policy, Optional<LlmClient> fallback) {
    var primary =
        new OpenAiChatModel(
            server.baseUrl(),
            "gpt-test",
            Optional.empty(),
            Duration.ofSeconds(5),
            Clock.systemUTC());
    return new ResilientModel(
        primary,
        "research",
        new CallPipeline(
            "model:gpt-test/research",
            policy,
            (name, from, to) -> transitions.add(from + "->" + to)),
        fallback);
  }

  private static CallPolicy withBreaker(int failures, int window) {
    return new CallPolicy(
        POLICY.timeout(),
        1,
        POLICY.backoff(),
        POLICY.maxBackoff(),
        POLICY.maxRetryAfter(),
        failures,
        window,
        POLICY.breakerDelay(),
        1,
        POLICY.maxConcurrent(),
        0,
        Duration.ZERO);
  }

  @Test
  void serverErrorsAndRateLimitsAreRetriedUntilAnAnswer() {
    server.then(
        Reply.error(500, "boom"),
        Reply.raw(429, "{}", Map.of("Retry-After", "0")),
        Reply.answer("42"));

    assertThat(model(POLICY, Optional.empty()).complete("q")).isEqualTo("42");
    assertThat(server.received()).hasSize(3);
  }

  @Test
  void aRefusedRequestAndAMalformedAnswerAreNotRetried() {
    server.then(Reply.error(400, "bad request"), Reply.raw(200, "not json", Map.of()));
    var model = model(POLICY, Optional.empty());

    assertThatThrownBy(() -> model.complete("q")).isInstanceOf(CallRejectedException.class);
    assertThat(server.received()).hasSize(1);
    assertThatThrownBy(() -> model.complete("q")).isInstanceOf(MalformedAnswerException.class);
    assertThat(server.received()).hasSize(2);
  }

  @Test
  void aRetryAfterLongerThanTheCallMayWaitFailsAtOnce() {
    server.then(Reply.raw(429, "{}", Map.of("Retry-After", "120")));

    assertThatThrownBy(() -> model(POLICY, Optional.empty()).complete("q"))
        .isInstanceOf(RateLimitedException.class);
    assertThat(server.received()).hasSize(1);
  }

  @Test
  void attemptsAreSpentOnRetryableFailuresOnly() {
    server.then(
        Reply.error(502, "a"), Reply.error(502, "b"), Reply.error(502, "c"), Reply.answer("never"));

    assertThatThrownBy(() -> model(POLICY, Optional.empty()).complete("q"))
        .isInstanceOf(ServiceUnavailableException.class)
        .hasMessageContaining("answered 502: c");
    assertThat(server.received()).hasSize(3);
  }

  @Test
  void theBreakerOpensAfterItsThresholdFailsFastThenHalfOpensAndClosesOnASuccess() {
    server.then(Reply.error(500, "a"), Reply.error(500, "b"));
    var model = model(withBreaker(2, 2), Optional.empty());
    CircuitBreaker<Object> breaker = model.pipeline().breaker();

    assertThatThrownBy(() -> model.complete("q")).isInstanceOf(ServiceUnavailableException.class);
    assertThat(breaker.isClosed()).isTrue();
    assertThatThrownBy(() -> model.complete("q")).isInstanceOf(ServiceUnavailableException.class);
    assertThat(breaker.isOpen()).isTrue();

    // open: the model is not called
    assertThatThrownBy(() -> model.complete("q"))
        .isInstanceOf(ServiceUnavailableException.class)
        .hasMessageContaining("circuit breaker open");
    assertThat(server.received()).hasSize(2);

    // the delay has passed (Failsafe's control), a probe goes through and closes it
    breaker.halfOpen();
    assertThat(model.complete("q")).isEqualTo("unscripted");
    assertThat(breaker.isClosed()).isTrue();
    assertThat(transitions).containsExactly("CLOSED->OPEN", "OPEN->HALF_OPEN", "HALF_OPEN->CLOSED");
  }

  @Test
  void theBreakerHalfOpensByItselfOnceItsDelayHasPassed() {
    server.then(Reply.error(500, "a"));
    var policy =
        new CallPolicy(
            POLICY.timeout(),
            1,
            POLICY.backoff(),
            POLICY.maxBackoff(),
            POLICY.maxRetryAfter(),
            1,
            1,
            Duration.ofMillis(50),
            1,
            POLICY.maxConcurrent(),
            0,
            Duration.ZERO);
    var model = model(policy, Optional.empty());

    assertThatThrownBy(() -> model.complete("q")).isInstanceOf(ServiceUnavailableException.class);
    assertThat(model.pipeline().breaker().isOpen()).isTrue();

    await()
        .atMost(Duration.ofSeconds(10))
        .ignoreExceptions()
        .until(() -> model.complete("q").equals("unscripted"));
    assertThat(transitions)
        .startsWith("CLOSED->OPEN", "OPEN->HALF_OPEN")
        .endsWith("HALF_OPEN->CLOSED");
  }

  @Test
  void aTimeBasedBreakerOpensOnceItsPeriodHasSeenEnoughCallsAndFailures() {
    server.then(Reply.error(500, "a"), Reply.error(500, "b"), Reply.error(500, "c"));
    // 2 failures within a minute, counted once the minute has seen at least 3 calls
    var model = model(withBreaker(2, 3).withBreakerPeriod(Duration.ofMinutes(1)), Optional.empty());

    assertThatThrownBy(() -> model.complete("q")).isInstanceOf(ServiceUnavailableException.class);
    assertThatThrownBy(() -> model.complete("q")).isInstanceOf(ServiceUnavailableException.class);
    assertThat(model.pipeline().breaker().isClosed()).as("2 failures, but only 2 calls").isTrue();
    assertThatThrownBy(() -> model.complete("q")).isInstanceOf(ServiceUnavailableException.class);
    assertThat(model.pipeline().breaker().isOpen()).isTrue();
  }

  @Test
  void aClientErrorDoesNotCountAgainstTheService() {
    server.then(Reply.error(400, "a"), Reply.error(400, "b"), Reply.error(400, "c"));
    var model = model(withBreaker(2, 2), Optional.empty());

    for (int i = 0; i < 3; i++) {
      assertThatThrownBy(() -> model.complete("q")).isInstanceOf(CallRejectedException.class);
    }
    assertThat(model.pipeline().breaker().isClosed()).isTrue();
  }

  @Test
  void theBulkheadRefusesTheExcessCall() throws Exception {
    var release = new CountDownLatch(1);
    server.then(Reply.hang(release));
    var policy =
        new CallPolicy(
            POLICY.timeout(),
            1,
            POLICY.backoff(),
            POLICY.maxBackoff(),
            POLICY.maxRetryAfter(),
            5,
            10,
            POLICY.breakerDelay(),
            1,
            1,
            0,
            Duration.ZERO);
    var model = model(policy, Optional.empty());

    CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> model.complete("first"));
    await().atMost(Duration.ofSeconds(10)).until(() -> server.received().size() == 1);
    try {
      assertThatThrownBy(() -> model.complete("second"))
          .isInstanceOf(ServiceUnavailableException.class)
          .hasMessageContaining("1 calls already running");
    } finally {
      release.countDown();
    }
    assertThat(first.get()).isEqualTo("late");
    assertThat(server.received()).hasSize(1);
  }

  @Test
  void aHungModelTimesOutAndTheCallIsInterrupted() {
    var release = new CountDownLatch(1);
    server.then(Reply.hang(release), Reply.hang(release));
    var policy =
        new CallPolicy(
            Duration.ofMillis(200),
            2,
            POLICY.backoff(),
            POLICY.maxBackoff(),
            POLICY.maxRetryAfter(),
            5,
            10,
            POLICY.breakerDelay(),
            1,
            4,
            0,
            Duration.ZERO);

    try {
      assertThatThrownBy(() -> model(policy, Optional.empty()).complete("q"))
          .isInstanceOf(ServiceUnavailableException.class)
          .hasMessageContaining("no answer within PT0.2S");
      assertThat(server.received()).as("a timeout is retried").hasSize(2);
    } finally {
      release.countDown();
    }
  }

  @Test
  void theFallbackAnswersWhenThePrimaryCannotButNotForARefusedRequest() {
    server.then(
        Reply.error(503, "down"),
        Reply.error(503, "down"),
        Reply.error(503, "down"),
        Reply.error(400, "bad"));
    var model = model(POLICY, Optional.of(OfflineModel.instant()));

    ChatResponse answer = model.chat(ChatRequest.prompt("q"));
    assertThat(answer.model()).isEqualTo(OfflineModel.NAME);
    assertThat(answer.text()).isEqualTo(OfflineModel.instant().complete("q"));
    assertThatThrownBy(() -> model.complete("q")).isInstanceOf(CallRejectedException.class);
  }

  @Test
  void callsTokensAndTheBreakerAreMeasured() {
    server.then(Reply.answer("yes"), Reply.error(400, "no"));
    var metrics = new SimpleMeterRegistry();
    var pipeline = new CallPipeline("model:gpt-test/research", POLICY, (name, from, to) -> {});
    var model =
        new ResilientModel(
            new OpenAiChatModel(
                server.baseUrl(),
                "gpt-test",
                Optional.empty(),
                Duration.ofSeconds(5),
                Clock.systemUTC()),
            "research",
            pipeline,
            Optional.empty(),
            metrics);

    model.complete("q");
    assertThatThrownBy(() -> model.complete("q")).isInstanceOf(CallRejectedException.class);

    assertThat(calls(metrics, "answered")).isEqualTo(1);
    assertThat(calls(metrics, "CallRejectedException")).isEqualTo(1);
    assertThat(
            metrics
                .get("conclave.model.tokens")
                .tags("agent_type", "research", "model", "gpt-test", "direction", "output")
                .counter()
                .count())
        .isPositive();
    assertThat(
            metrics
                .get("conclave.breaker.state")
                .tags("agent_type", "research", "breaker", "model:gpt-test/research")
                .gauge()
                .value())
        .isZero();
  }

  private static long calls(SimpleMeterRegistry metrics, String outcome) {
    return metrics
        .get("conclave.model.calls")
        .tags("agent_type", "research", "model", "gpt-test", "outcome", outcome)
        .timer()
        .count();
  }
}
