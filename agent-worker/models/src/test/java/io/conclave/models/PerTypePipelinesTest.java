package io.conclave.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.failsafe.CircuitBreaker;
import io.conclave.agent.LlmClient;
import io.conclave.runtime.env.EnvironmentLookup;
import io.conclave.runtime.resilience.ServiceUnavailableException;
import io.conclave.testkit.FakeModelServer;
import io.conclave.testkit.FakeModelServer.Reply;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The models a worker builds from its settings ({@link Models#fromEnvironment}), against a fake
 * model server on loopback: one pipeline per agent type on the one endpoint, so a type whose calls
 * fail opens only its own breaker, and an open breaker half-opens by itself once its delay has
 * passed, with no call to make it.
 */
class PerTypePipelinesTest {
  private final FakeModelServer server;
  private final List<String> transitions = new CopyOnWriteArrayList<>();
  private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
  private Map<String, LlmClient> models = Map.of();

  PerTypePipelinesTest() throws Exception {
    server = new FakeModelServer();
  }

  @AfterEach
  void stop() {
    models.values().forEach(m -> ((ResilientModel) m).pipeline().close());
    metrics.close();
    server.close();
  }

  /**
   * The models of {@code types}, one attempt per call, a breaker that opens after {@code failures}
   * of as many.
   */
  private Map<String, LlmClient> models(int failures, Duration breakerDelay, String... types) {
    Map<Object, Object> props =
        new HashMap<>(
            Map.of(
                "conclave.llm.base-url",
                server.baseUrl().toString(),
                "conclave.llm.model",
                "gpt-test",
                "conclave.llm.max-attempts",
                "1",
                "conclave.llm.backoff-ms",
                "1",
                "conclave.llm.breaker-failures",
                String.valueOf(failures),
                "conclave.llm.breaker-window",
                String.valueOf(failures),
                "conclave.llm.breaker-delay-ms",
                String.valueOf(breakerDelay.toMillis())));
    models =
        Models.fromEnvironment(
            new EnvironmentLookup(Map.of(), props),
            Clock.systemUTC(),
            List.of(types),
            type ->
                (breaker, from, to) ->
                    transitions.add(type + " " + breaker + " " + from + "->" + to),
            metrics);
    return models;
  }

  private double breakerState(String agentType, String breaker) {
    return metrics
        .get("conclave.breaker.state")
        .tags("agent_type", agentType, "breaker", breaker)
        .gauge()
        .value();
  }

  private static ResilientModel resilient(LlmClient model) {
    assertThat(model).isInstanceOf(ResilientModel.class);
    return (ResilientModel) model;
  }

  @Test
  void aTypeWhoseCallsFailOpensOnlyItsOwnBreakerAndTheOtherTypeKeepsCalling() {
    // given: two types on one endpoint; the model fails research's two calls
    var byType = models(2, Duration.ofMinutes(1), "research", "write");
    ResilientModel research = resilient(byType.get("research"));
    ResilientModel write = resilient(byType.get("write"));
    assertThat(research.pipeline().name()).isEqualTo("model:gpt-test/research");
    assertThat(write.pipeline().name()).isEqualTo("model:gpt-test/write");
    server.then(Reply.error(500, "a"), Reply.error(500, "b"));

    // when
    assertThatThrownBy(() -> research.complete("q"))
        .isInstanceOf(ServiceUnavailableException.class);
    assertThatThrownBy(() -> research.complete("q"))
        .isInstanceOf(ServiceUnavailableException.class);

    // then: research's breaker is open and refuses its calls without asking the model
    assertThat(research.pipeline().breaker().getState()).isEqualTo(CircuitBreaker.State.OPEN);
    assertThat(research.unavailable()).isTrue();
    assertThatThrownBy(() -> research.complete("q"))
        .isInstanceOf(ServiceUnavailableException.class)
        .hasMessageContaining("model:gpt-test/research: circuit breaker open");
    assertThat(server.received()).hasSize(2);
    // write's is closed and its calls still reach the model
    assertThat(write.pipeline().breaker().getState()).isEqualTo(CircuitBreaker.State.CLOSED);
    assertThat(write.unavailable()).isFalse();
    assertThat(write.complete("q")).isEqualTo("unscripted");
    assertThat(write.complete("q")).isEqualTo("unscripted");
    assertThat(server.received()).hasSize(4);
    assertThat(transitions).containsExactly("research model:gpt-test/research CLOSED->OPEN");
    // and the metrics tell the two breakers apart
    assertThat(breakerState("research", "model:gpt-test/research")).isEqualTo(2);
    assertThat(breakerState("write", "model:gpt-test/write")).isEqualTo(0);
    assertThat(
            metrics
                .get("conclave.model.calls")
                .tags("agent_type", "write", "model", "gpt-test", "outcome", "answered")
                .timer()
                .count())
        .isEqualTo(2);
  }

  @Test
  void anOpenBreakerHalfOpensByItselfOnceItsDelayHasPassedWithoutACall() {
    // given: research's breaker opens on its first failure, for 50 ms
    ResilientModel research =
        resilient(models(1, Duration.ofMillis(50), "research").get("research"));
    server.then(Reply.error(500, "a"));
    assertThatThrownBy(() -> research.complete("q"))
        .isInstanceOf(ServiceUnavailableException.class);
    assertThat(transitions).containsExactly("research model:gpt-test/research CLOSED->OPEN");

    // when: no call comes; then: it half-opens, and the listener hears it
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> research.pipeline().breaker().getState() == CircuitBreaker.State.HALF_OPEN);
    await().atMost(Duration.ofSeconds(10)).until(() -> transitions.size() == 2);
    assertThat(transitions)
        .containsExactly(
            "research model:gpt-test/research CLOSED->OPEN",
            "research model:gpt-test/research OPEN->HALF_OPEN");
    assertThat(server.received()).as("no call probed the model").hasSize(1);
    assertThat(research.unavailable()).isFalse();

    // and a call that comes now probes the model
    assertThat(research.complete("q")).isEqualTo("unscripted");
    assertThat(server.received()).hasSize(2);
  }

  @Test
  void withoutAModelServerEveryTypeAsksTheOfflineModel() {
    var offline =
        Models.fromEnvironment(
            new EnvironmentLookup(Map.of(), Map.of()),
            Clock.systemUTC(),
            List.of("research", "write"),
            type -> (breaker, from, to) -> {},
            metrics);

    assertThat(offline).containsOnlyKeys("research", "write");
    assertThat(offline.values())
        .allSatisfy(m -> assertThat(m.model()).isEqualTo(OfflineModel.NAME));
  }
}
