package io.conclave.worker.remote;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.failsafe.CircuitBreakerOpenException;
import io.conclave.agent.Agent;
import io.conclave.agent.AgentContext;
import io.conclave.agent.CompensationRequest;
import io.conclave.agent.StepRequest;
import io.conclave.agent.StepResult;
import io.conclave.model.eventlog.LatestState;
import io.conclave.model.eventlog.StateFold;
import io.conclave.runtime.resilience.CallFailure;
import io.conclave.runtime.resilience.CallPipeline;
import io.conclave.runtime.resilience.CallRejectedException;
import io.conclave.runtime.resilience.MalformedAnswerException;
import io.conclave.runtime.resilience.RetryableCallException;
import io.conclave.runtime.resilience.ServiceUnavailableException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Function;

/**
 * An agent type served over HTTP, in any language: each step and compensation is one {@code POST}
 * to the agent's URL ({@code docs/api/remote-agent.yaml}), carrying the step, its input, the
 * agent's state, the idempotency key and the per-step model endpoint; the answer carries the
 * result, the decisions, the new state and the knowledge updates, which the worker writes with the
 * step, exactly once. Every call goes through the type's {@link CallPipeline} (its timeout and
 * circuit breaker; the step's own retries are the saga's). What the agent's answer means:
 *
 * <ul>
 *   <li>200 with a well-formed answer: the step's result;
 *   <li>422 or 400: the input can never succeed: an {@link IllegalArgumentException}, so the
 *       command is dead-lettered (not counted against the agent);
 *   <li>a 200 that breaks the protocol (not JSON, an unknown status, a field of the wrong type): an
 *       {@link IllegalArgumentException} naming what is wrong (dead-lettered), counted by the
 *       breaker;
 *   <li>another status, no connection, no answer within the timeout: a {@link
 *       RemoteAgentException}, a failure that may pass: the step is retried with its backoff, then
 *       fails and its saga compensates; counted by the breaker;
 *   <li>the breaker open: its {@link ServiceUnavailableException}, which fails the step at once
 *       (the worker holds the type's commands meanwhile, {@link #unavailable()}). So does a failure
 *       of the agent's own model call a Java agent would have let through (a spent budget, an open
 *       model breaker) when the agent then fails the same way.
 * </ul>
 *
 * <p>Its state is JSON text, the latest the agent returned: each returned state that differs from
 * the current one is recorded as a {@value RemoteWire#STATE} decision, so the fold of the log gives
 * it back. Thread-safe; each call runs on its caller's thread.
 */
public final class RemoteAgent implements Agent<String> {
  /** The fold of a remote agent's log: the latest {@value LatestState#KIND} decision's JSON. */
  public static final StateFold<String> FOLD = LatestState.FOLD;

  private final String type;
  private final URI url;
  private final CallPipeline pipeline;
  private final RemoteAgents.BreakerRelay breakers;
  private final ModelEndpoint models;
  private final HttpClient http;
  private final Clock clock;

  /**
   * @param url where the agent answers {@code POST}s
   * @param pipeline the type's pipeline, shared by its agents (its timeout bounds each call)
   * @param breakers what hears the pipeline's breaker
   * @param models where the agent's model calls go
   * @param http the client of the agent's calls, shared
   */
  RemoteAgent(
      String type,
      URI url,
      CallPipeline pipeline,
      RemoteAgents.BreakerRelay breakers,
      ModelEndpoint models,
      HttpClient http,
      Clock clock) {
    this.type = Objects.requireNonNull(type, "type");
    this.url = Objects.requireNonNull(url, "url");
    this.pipeline = Objects.requireNonNull(pipeline, "pipeline");
    this.breakers = Objects.requireNonNull(breakers, "breakers");
    this.models = Objects.requireNonNull(models, "models");
    this.http = Objects.requireNonNull(http, "http");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public String type() {
    return type;
  }

  @Override
  public StateFold<String> fold() {
    return FOLD;
  }

  /** Where the agent answers. */
  public URI url() {
    return url;
  }

  /** The type's pipeline: its breaker and timeout. */
  public CallPipeline pipeline() {
    return pipeline;
  }

  /**
   * Reports the transitions of the type's breaker to {@code listener} from now on (the worker's
   * health reporter) instead of only logging them.
   */
  public void reportBreakerTo(CallPipeline.BreakerListener listener) {
    breakers.to(listener);
  }

  /**
   * Whether the agent's breaker is open and still refusing calls: the worker holds the type's
   * commands meanwhile, as for an open model breaker.
   */
  public boolean unavailable() {
    return pipeline.refusing();
  }

  @Override
  public StepResult act(StepRequest request, AgentContext<String> context) {
    return call(context, attempt -> RemoteWire.act(request, attempt), request.idempotencyKey());
  }

  @Override
  public StepResult compensate(CompensationRequest request, AgentContext<String> context) {
    return call(
        context, attempt -> RemoteWire.compensate(request, attempt), request.idempotencyKey());
  }

  private StepResult call(
      AgentContext<String> context,
      Function<RemoteWire.Attempt, ObjectNode> body,
      String idempotencyKey) {
    // a re-drive runs no effect: the agent is told so, and the re-drive reports it as skipped
    boolean[] live = {false};
    context.sideEffect("the effects of remote agent " + type, () -> live[0] = true);
    Instant deadline = clock.instant().plus(pipeline.policy().timeout());
    RemoteWire.Answer answer;
    try (ModelEndpoint.Session session = models.open(context.llm())) {
      var attempt =
          new RemoteWire.Attempt(
              context.log().agentId(),
              context.log().state(),
              deadline,
              new RemoteWire.ModelAccess(session.baseUrl(), session.token(), session.model()),
              !live[0]);
      String json = body.apply(attempt).toString();
      try {
        answer = pipeline.call(() -> post(json, idempotencyKey));
      } catch (CallRejectedException | MalformedAnswerException e) {
        // the agent says the input can never succeed, or its answer cannot be read: either way,
        // asking again would not help
        throw new IllegalArgumentException(e.getMessage(), e);
      } catch (RetryableCallException e) {
        if (e.getCause() instanceof CircuitBreakerOpenException) {
          throw e;
        }
        // a model failure a Java agent would have let through, which the agent passed on
        if (session.modelFailure().isPresent()) {
          CallFailure model = session.modelFailure().get();
          throw (RuntimeException) model;
        }
        throw new RemoteAgentException(e.getMessage(), e);
      }
    }
    answer.decisions().forEach(d -> context.log().append(d.kind(), d.payload()));
    answer
        .state()
        .filter(s -> !s.equals(context.log().state()))
        .ifPresent(s -> context.log().append(RemoteWire.STATE, s));
    answer.knowledge().forEach(op -> op.applyTo(context.knowledge()));
    return answer.result();
  }

  /** One request, its answer classified ({@link CallFailure}s for the pipeline). */
  private RemoteWire.Answer post(String json, String idempotencyKey) {
    HttpRequest request =
        HttpRequest.newBuilder(url)
            .timeout(pipeline.policy().timeout())
            .header("Content-Type", "application/json")
            .header("Accept", "application/json")
            .header("Idempotency-Key", idempotencyKey)
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build();
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new ServiceUnavailableException(what() + " did not answer: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ServiceUnavailableException(
          what() + ": the call was interrupted (its time ran out)", e);
    }
    int status = response.statusCode();
    String body = response.body();
    if (status == 200) {
      try {
        return RemoteWire.answer(body);
      } catch (IllegalArgumentException e) {
        throw new MalformedAnswerException(
            what()
                + " answered 200 with what breaks the protocol: "
                + e.getMessage()
                + " (body: "
                + RemoteWire.abbreviate(body)
                + ")",
            e);
      }
    }
    if (status == 400 || status == 422) {
      throw new CallRejectedException(
          status, what() + " refused the input (" + status + "): " + RemoteWire.problem(body));
    }
    throw new ServiceUnavailableException(
        what() + " answered " + status + ": " + RemoteWire.problem(body), null);
  }

  private String what() {
    return "remote agent " + type + " at " + url;
  }
}
