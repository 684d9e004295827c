package io.conclave.worker;

import io.conclave.agent.Agent;
import io.conclave.agent.LlmClient;
import io.conclave.agent.StepRequest;
import io.conclave.agent.StepResult;
import io.conclave.agent.chat.ChatRequest;
import io.conclave.agent.chat.ChatResponse;
import io.conclave.model.cluster.RedrivenStep;
import io.conclave.model.eventlog.Decision;
import io.conclave.model.journal.AgentJournal;
import io.conclave.model.journal.FoldedLog;
import io.conclave.model.saga.SagaStep;
import io.conclave.models.ModelCall;
import io.conclave.models.OpenAiWire;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Re-runs a recorded saga step with the current code of its agent, for debugging a new agent
 * version against what really happened: the agent starts from its state as its log had it just
 * before the step, each model call is answered with the answer recorded for that step (the model is
 * never called), side effects do not run, and nothing is written but the report. Pure: the caller
 * reads the recording and writes the report (to the shadow topic).
 */
public final class Redrive {
  private Redrive() {}

  /**
   * A step as the logs recorded it.
   *
   * @param input what the step worked on (the previous step's output, or the task's prompt)
   * @param output the step's output; empty if it failed
   * @param failure why it failed, if it did
   * @param agentId the agent instance that ran it
   * @param decisions the decisions the step appended to that agent's log, in order
   */
  public record RecordedStep(
      String sagaId,
      String taskId,
      int stepIndex,
      SagaStep step,
      String input,
      Optional<String> output,
      Optional<String> failure,
      String agentId,
      List<Decision> decisions) {
    public RecordedStep {
      Objects.requireNonNull(sagaId, "sagaId");
      Objects.requireNonNull(taskId, "taskId");
      Objects.requireNonNull(step, "step");
      Objects.requireNonNull(input, "input");
      Objects.requireNonNull(output, "output");
      Objects.requireNonNull(failure, "failure");
      Objects.requireNonNull(agentId, "agentId");
      decisions = List.copyOf(decisions);
    }
  }

  /**
   * Re-runs {@code recorded} with {@code agent}.
   *
   * @param before the agent's log folded up to (not including) the step's first decision
   */
  public static <S> RedrivenStep step(
      Agent<S> agent, RecordedStep recorded, FoldedLog<S> before, String redriveId, Instant now) {
    var journal = new AgentJournal<>(recorded.agentId(), agent.fold(), before, 0);
    var draft =
        journal.begin(
            new AgentJournal.Origin(
                Optional.of(recorded.sagaId()),
                Optional.of(recorded.stepIndex()),
                now,
                Optional.empty()));
    var answers =
        new RecordedAnswers(
            recorded.decisions().stream()
                .filter(d -> ModelCall.KIND.equals(d.kind()))
                .map(ModelCall::of)
                .toList());
    var context =
        StepContext.redrive(
            draft, answers, KnowledgeAccess.ownOnly(Clock.fixed(now, ZoneOffset.UTC)));
    var request =
        new StepRequest(
            recorded.sagaId(),
            recorded.taskId(),
            recorded.stepIndex(),
            recorded.step(),
            recorded.input(),
            0);
    StepResult result = null;
    Optional<String> error = Optional.empty();
    try {
      result = agent.act(request, context);
      if (result instanceof StepResult.Failed failed) {
        draft.append(StepEngine.FAILURE_DECISION, failed.reason());
        error = Optional.of(failed.reason());
      }
    } catch (RuntimeException e) {
      error = Optional.of(e.getClass().getSimpleName() + ": " + e.getMessage());
    }
    Optional<String> output =
        result instanceof StepResult.Completed c ? Optional.of(c.output()) : Optional.empty();
    RedrivenStep.Outcome outcome;
    if (result == null) {
      outcome = RedrivenStep.Outcome.FAILED;
    } else if (output.isPresent()
        ? output.equals(recorded.output())
        : error.equals(recorded.failure())) {
      outcome = RedrivenStep.Outcome.SAME;
    } else {
      outcome = RedrivenStep.Outcome.DIFFERENT;
    }
    List<String> decisions =
        draft.decisions().stream().map(d -> d.kind() + ": " + d.payload()).toList();
    return new RedrivenStep(
        redriveId,
        recorded.sagaId(),
        recorded.stepIndex(),
        recorded.agentId(),
        outcome,
        recorded.output(),
        output,
        error,
        decisions,
        answers.calls(),
        answers.mismatches(),
        context.skippedEffects(),
        now);
  }

  /** Answers a step's model calls, in order, with the answers recorded for it. Not thread-safe. */
  static final class RecordedAnswers implements LlmClient {
    private final List<ModelCall> recorded;
    private int calls;
    private int mismatches;

    RecordedAnswers(List<ModelCall> recorded) {
      this.recorded = List.copyOf(recorded);
    }

    @Override
    public String model() {
      return calls < recorded.size() ? recorded.get(calls).model() : "recording";
    }

    @Override
    public ChatResponse chat(ChatRequest request) {
      String prompt = OpenAiWire.canonical(request);
      if (calls >= recorded.size()) {
        throw new IllegalStateException(
            "the recording has no answer for model call #"
                + (calls + 1)
                + " of the step ("
                + recorded.size()
                + " recorded)");
      }
      ModelCall call = recorded.get(calls++);
      if (!call.prompt().equals(prompt)) {
        mismatches++;
      }
      return call.response();
    }

    int calls() {
      return calls;
    }

    int mismatches() {
      return mismatches;
    }
  }
}
