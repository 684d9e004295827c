package io.conclave.worker;

import dev.failsafe.FailsafeException;
import dev.failsafe.FailsafeExecutor;
import io.conclave.core.AgentJournal;
import io.conclave.core.Decision;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * Runs one step (or compensation) of an agent on its journal, under the call policies. Each attempt works on a fresh
 * draft of the agent's log, so an attempt that throws leaves no decision behind; the draft of the attempt that
 * answered is accepted. A run that fails, by answering {@link StepResult.Failed} or by exhausting its retries, ends
 * with a failure decision. No I/O of its own.
 */
final class StepRunner {
  private StepRunner() {}

  /** The result and the decisions it added to the agent's log. */
  record Ran(StepResult result, List<Decision> decisions) {}

  /** A saga step: {@link Agent#act}, failing with {@value StepEngine#FAILURE_DECISION}. */
  static <S> Ran run(Agent<S> agent, AgentJournal<S> journal, StepRequest request, AgentJournal.Origin origin,
                     FailsafeExecutor<StepResult> policies, LlmClient model, KnowledgeAccess knowledge) {
    return run(journal, origin, policies, model, knowledge, StepEngine.FAILURE_DECISION, ctx -> agent.act(request, ctx));
  }

  /** A compensation: {@link Agent#compensate}, failing with {@value StepEngine#COMPENSATION_FAILURE_DECISION}. */
  static <S> Ran compensate(Agent<S> agent, AgentJournal<S> journal, CompensationRequest request,
                            AgentJournal.Origin origin, FailsafeExecutor<StepResult> policies, LlmClient model,
                            KnowledgeAccess knowledge) {
    return run(journal, origin, policies, model, knowledge, StepEngine.COMPENSATION_FAILURE_DECISION,
        ctx -> agent.compensate(request, ctx));
  }

  /**
   * @throws IllegalArgumentException if the agent says the request can never succeed (nothing is accepted)
   */
  private static <S> Ran run(AgentJournal<S> journal, AgentJournal.Origin origin, FailsafeExecutor<StepResult> policies,
                             LlmClient model, KnowledgeAccess knowledge, String failureKind, Function<AgentContext<S>, StepResult> call) {
    AtomicReference<AgentJournal.Draft<S>> attempt = new AtomicReference<>();
    // the model calls that failed, in every attempt: the ledger keeps them whatever the step's outcome
    List<FailedModelCall> failedCalls = new CopyOnWriteArrayList<>();
    StepResult result;
    try {
      result = policies.get(() -> {
        AgentJournal.Draft<S> draft = journal.begin(origin);
        attempt.set(draft);
        return call.apply(StepContext.live(draft, model, knowledge, failedCalls));
      });
    } catch (IllegalArgumentException e) {
      throw e;
    } catch (RuntimeException e) {
      // retries are spent: the run fails instead of blocking the partition; the failed attempts' decisions never
      // happened
      Throwable cause = e instanceof FailsafeException && e.getCause() != null ? e.getCause() : e;
      result = new StepResult.Failed(cause.getClass().getSimpleName() + ": " + cause.getMessage());
      attempt.set(journal.begin(origin));
    }
    AgentJournal.Draft<S> draft = attempt.get();
    for (FailedModelCall failedCall : failedCalls) {
      draft.append(FailedModelCall.KIND, failedCall.payload(), Optional.of(failedCall.model()));
    }
    if (result instanceof StepResult.Failed failed) {
      draft.append(failureKind, failed.reason());
    }
    return new Ran(result, journal.accept(draft));
  }
}
