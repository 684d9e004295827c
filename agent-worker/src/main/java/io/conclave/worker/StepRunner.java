package io.conclave.worker;

import dev.failsafe.FailsafeException;
import dev.failsafe.FailsafeExecutor;
import io.conclave.core.AgentJournal;
import io.conclave.core.Decision;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs one step of an agent on its journal, under the call policies. Each attempt works on a fresh draft of the
 * agent's log, so an attempt that throws leaves no decision behind; the draft of the attempt that answered is
 * accepted. A step that fails, by answering {@link StepResult.Failed} or by exhausting its retries, ends with a
 * {@value StepEngine#FAILURE_DECISION} decision. No I/O of its own.
 */
final class StepRunner {
  private StepRunner() {}

  /** The step's result and the decisions it added to the agent's log. */
  record Ran(StepResult result, List<Decision> decisions) {}

  /**
   * @throws IllegalArgumentException if the agent says the request can never succeed (nothing is accepted)
   */
  static <S> Ran run(Agent<S> agent, AgentJournal<S> journal, StepRequest request, AgentJournal.Origin origin,
                     FailsafeExecutor<StepResult> policies, LlmClient model) {
    AtomicReference<AgentJournal.Draft<S>> attempt = new AtomicReference<>();
    StepResult result;
    try {
      result = policies.get(() -> {
        AgentJournal.Draft<S> draft = journal.begin(origin);
        attempt.set(draft);
        return agent.act(request, StepContext.live(draft, model));
      });
    } catch (IllegalArgumentException e) {
      throw e;
    } catch (RuntimeException e) {
      // retries are spent: the step fails and the saga stops instead of blocking the partition; the failed
      // attempts' decisions never happened
      Throwable cause = e instanceof FailsafeException && e.getCause() != null ? e.getCause() : e;
      result = new StepResult.Failed(cause.getClass().getSimpleName() + ": " + cause.getMessage());
      attempt.set(journal.begin(origin));
    }
    AgentJournal.Draft<S> draft = attempt.get();
    if (result instanceof StepResult.Failed failed) {
      draft.append(StepEngine.FAILURE_DECISION, failed.reason());
    }
    return new Ran(result, journal.accept(draft));
  }
}
