package io.conclave.models;

import io.conclave.agent.LlmClient;
import io.conclave.agent.chat.ChatRequest;
import io.conclave.agent.chat.ChatResponse;
import io.conclave.runtime.resilience.CallFailure;
import io.conclave.runtime.resilience.CallPipeline;
import io.conclave.runtime.resilience.CallRejectedException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A model as one agent type asks it: behind that type's {@link CallPipeline} for the model's
 * endpoint (timeout, retries of retryable failures, circuit breaker, bulkhead, rate limit), with an
 * optional fallback model that answers when the pipeline gives up on the primary for a reason of
 * the primary's (unavailable, rate-limited, nonsense; not a refusal of the request itself). Without
 * a fallback the failure goes to the step, which fails, and its saga compensates. Build one per
 * model endpoint and per agent type, and share it between the agents (partitions) of that type in
 * the process: its breaker sees every call of the type, and a type whose prompts make the model
 * fail opens only its own breaker. Thread-safe.
 */
public final class ResilientModel implements LlmClient {
  private final LlmClient primary;
  private final String agentType;
  private final CallPipeline pipeline;
  private final Optional<LlmClient> fallback;
  private final MeterRegistry metrics;
  private final Map<String, Timer> timers = new ConcurrentHashMap<>();

  /**
   * @param agentType the agent type whose calls go through {@code pipeline}
   */
  public ResilientModel(
      LlmClient primary, String agentType, CallPipeline pipeline, Optional<LlmClient> fallback) {
    this(primary, agentType, pipeline, fallback, new CompositeMeterRegistry());
  }

  /**
   * @param agentType the agent type whose calls go through {@code pipeline}
   * @param metrics where each call is timed as {@code conclave.model.calls}, tagged with the model,
   *     the agent type ({@code agent_type}) and the call's outcome ({@code answered}, {@code
   *     fallback}, or the failure's class), and the tokens of each answer are counted as {@code
   *     conclave.model.tokens}, tagged with the model that answered, the agent type and {@code
   *     direction} ({@code input} or {@code output}; estimated when the model did not say), and the
   *     state of the pipeline's breaker is the gauge {@code conclave.breaker.state} (0 closed, 1
   *     half-open, 2 open), tagged with the breaker's name and the agent type
   */
  public ResilientModel(
      LlmClient primary,
      String agentType,
      CallPipeline pipeline,
      Optional<LlmClient> fallback,
      MeterRegistry metrics) {
    this.primary = Objects.requireNonNull(primary, "primary");
    this.agentType = Objects.requireNonNull(agentType, "agentType");
    this.pipeline = Objects.requireNonNull(pipeline, "pipeline");
    this.fallback = Objects.requireNonNull(fallback, "fallback");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    Gauge.builder(
            "conclave.breaker.state",
            pipeline,
            p ->
                switch (p.breaker().getState()) {
                  case CLOSED -> 0;
                  case HALF_OPEN -> 1;
                  case OPEN -> 2;
                })
        .description("0 closed, 1 half-open, 2 open")
        .tag("breaker", pipeline.name())
        .tag("agent_type", agentType)
        .register(metrics);
  }

  @Override
  public String model() {
    return primary.model();
  }

  /** The agent type whose calls go through this model's pipeline. */
  public String agentType() {
    return agentType;
  }

  public CallPipeline pipeline() {
    return pipeline;
  }

  /**
   * Whether a call of this agent type now would fail at once: its breaker refuses calls and no
   * fallback would answer. A worker holds the type's commands meanwhile, so that they wait in Kafka
   * rather than fail their sagas; the breaker half-opens by itself once its delay has passed, and
   * the commands are read again.
   */
  public boolean unavailable() {
    return fallback.isEmpty() && pipeline.refusing();
  }

  @Override
  public ChatResponse chat(ChatRequest request) {
    long start = System.nanoTime();
    String outcome = "answered";
    try {
      return counted(pipeline.call(() -> primary.chat(request)));
    } catch (RuntimeException e) {
      if (fallback.isEmpty() || !(e instanceof CallFailure) || e instanceof CallRejectedException) {
        outcome = e.getClass().getSimpleName();
        throw e;
      }
      outcome = "fallback";
      return counted(fallback.get().chat(request));
    } finally {
      timers
          .computeIfAbsent(
              outcome,
              o ->
                  Timer.builder("conclave.model.calls")
                      .description("model calls through their pipeline, retries included")
                      .tag("model", primary.model())
                      .tag("agent_type", agentType)
                      .tag("outcome", o)
                      .publishPercentileHistogram()
                      .register(metrics))
          .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    }
  }

  private ChatResponse counted(ChatResponse answer) {
    if (answer.usage() != null) {
      tokens(answer.model(), "input").increment(answer.usage().inputTokens());
      tokens(answer.model(), "output").increment(answer.usage().outputTokens());
    }
    return answer;
  }

  private Counter tokens(String model, String direction) {
    // registering again returns the registered counter
    return Counter.builder("conclave.model.tokens")
        .description("tokens of the models' answers")
        .tag("model", model)
        .tag("agent_type", agentType)
        .tag("direction", direction)
        .register(metrics);
  }
}
