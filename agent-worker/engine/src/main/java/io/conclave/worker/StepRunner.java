package io.conclave.worker;

import dev.failsafe.FailsafeException;
import dev.failsafe.FailsafeExecutor;
import io.conclave.agent.Agent;
import io.conclave.agent.AgentContext;
import io.conclave.agent.CompensationRequest;
import io.conclave.agent.LlmClient;
import io.conclave.agent.StepRequest;
import io.conclave.agent.StepResult;
import io.conclave.model.eventlog.Decision;
import io.conclave.model.journal.AgentJournal;
import io.conclave.models.FailedModelCall;
import io.conclave.models.ModelCall;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * Runs one step (or compensation) of an agent on its journal, under the call policies. Each attempt
 * works on a fresh draft of the agent's log, so an attempt that throws leaves no decision behind;
 * the draft of the attempt that answered is accepted. A run that fails, by answering {@link
 * StepResult.Failed} or by exhausting its retries, ends with a failure decision. No I/O of its own.
 *
 * <p>Each run is timed, from its start to its result (every attempt and backoff included, the
 * commit not), as {@code conclave.step} on the given registry, tagged with the agent type ({@code
 * agent_type}), {@code kind} ({@code step} or {@code compensation}) and {@code outcome} ({@code
 * completed}, {@code failed}, or {@code rejected} when the agent says the request can never
 * succeed).
 */
final class StepRunner {
  private StepRunner() {}

  /**
   * The result, the decisions it added to the agent's log, and the tokens its model calls spent
   * (every attempt's).
   */
  record Ran(StepResult result, List<Decision> decisions, long tokens, long costMicros) {}

  /** A saga step without a token limit, its time and costs measured nowhere. */
  static <S> Ran run(
      Agent<S> agent,
      AgentJournal<S> journal,
      StepRequest request,
      AgentJournal.Origin origin,
      FailsafeExecutor<StepResult> policies,
      LlmClient model,
      KnowledgeAccess knowledge) {
    return run(
        agent,
        journal,
        request,
        origin,
        policies,
        model,
        knowledge,
        StepSpending.unlimited(),
        new CompositeMeterRegistry());
  }

  /**
   * A saga step: {@link Agent#act}, failing with {@value StepEngine#FAILURE_DECISION}; its model
   * calls are counted and limited by {@code spending}.
   *
   * @param metrics where the step is timed and its model calls' cost counted ({@link StepContext})
   */
  static <S> Ran run(
      Agent<S> agent,
      AgentJournal<S> journal,
      StepRequest request,
      AgentJournal.Origin origin,
      FailsafeExecutor<StepResult> policies,
      LlmClient model,
      KnowledgeAccess knowledge,
      StepSpending spending,
      MeterRegistry metrics) {
    return run(
        journal,
        origin,
        policies,
        model,
        knowledge,
        spending,
        metrics,
        agent.type(),
        "step",
        StepEngine.FAILURE_DECISION,
        ctx -> agent.act(request, ctx));
  }

  /**
   * A compensation: {@link Agent#compensate}, failing with {@value
   * StepEngine#COMPENSATION_FAILURE_DECISION}.
   */
  static <S> Ran compensate(
      Agent<S> agent,
      AgentJournal<S> journal,
      CompensationRequest request,
      AgentJournal.Origin origin,
      FailsafeExecutor<StepResult> policies,
      LlmClient model,
      KnowledgeAccess knowledge,
      StepSpending spending,
      MeterRegistry metrics) {
    return run(
        journal,
        origin,
        policies,
        model,
        knowledge,
        spending,
        metrics,
        agent.type(),
        "compensation",
        StepEngine.COMPENSATION_FAILURE_DECISION,
        ctx -> agent.compensate(request, ctx));
  }

  /**
   * @throws IllegalArgumentException if the agent says the request can never succeed (nothing is
   *     accepted)
   */
  private static <S> Ran run(
      AgentJournal<S> journal,
      AgentJournal.Origin origin,
      FailsafeExecutor<StepResult> policies,
      LlmClient model,
      KnowledgeAccess knowledge,
      StepSpending spending,
      MeterRegistry metrics,
      String agentType,
      String kind,
      String failureKind,
      Function<AgentContext<S>, StepResult> call) {
    // the registry's clock, so that a test can move it
    Timer.Sample sample = Timer.start(metrics);
    AtomicReference<AgentJournal.Draft<S>> attempt = new AtomicReference<>();
    StepResult result;
    try {
      result =
          policies.get(
              () -> {
                AgentJournal.Draft<S> draft = journal.begin(origin);
                attempt.set(draft);
                return call.apply(
                    StepContext.live(draft, model, knowledge, spending, metrics, agentType));
              });
    } catch (IllegalArgumentException e) {
      sample.stop(timer(metrics, agentType, kind, "rejected"));
      throw e;
    } catch (RuntimeException e) {
      // retries are spent: the run fails instead of blocking the partition; the failed attempts'
      // decisions never happened
      Throwable cause = e instanceof FailsafeException && e.getCause() != null ? e.getCause() : e;
      result = new StepResult.Failed(cause.getClass().getSimpleName() + ": " + cause.getMessage());
      attempt.set(journal.begin(origin));
    }
    AgentJournal.Draft<S> draft = attempt.get();
    // the ledger keeps every call, whichever attempt made it and whatever the step's outcome; its
    // totals are the projections' fold of these decisions and of the step's event (which carries
    // Ran's tokens and cost), not knowledge written here
    for (ModelCall answered : spending.answeredOutside(draft)) {
      StepContext.record(draft, answered);
    }
    for (FailedModelCall failedCall : spending.failedCalls()) {
      draft.append(FailedModelCall.KIND, failedCall.payload(), Optional.of(failedCall.model()));
    }
    if (result instanceof StepResult.Failed failed) {
      draft.append(failureKind, failed.reason());
    }
    var ran = new Ran(result, journal.accept(draft), spending.tokens(), spending.costMicros());
    sample.stop(
        timer(
            metrics,
            agentType,
            kind,
            result instanceof StepResult.Failed ? "failed" : "completed"));
    return ran;
  }

  private static Timer timer(MeterRegistry metrics, String agentType, String kind, String outcome) {
    // registering again returns the registered timer
    return Timer.builder("conclave.step")
        .description("steps and compensations, from their start to their result")
        .tag("agent_type", agentType)
        .tag("kind", kind)
        .tag("outcome", outcome)
        .publishPercentileHistogram()
        .register(metrics);
  }
}
