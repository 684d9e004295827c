package io.conclave.worker;

import io.conclave.core.Decision;
import io.conclave.core.SagaEvent;
import io.conclave.core.StepCommand;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** What a worker writes after running a step: its decisions, the saga's events, the next command. Pure. */
public final class StepEngine {
  /** The decision kind of a step's result. */
  public static final String RESULT_DECISION = "STEP_RESULT";
  /** The decision kind recorded when a step failed. */
  public static final String FAILURE_DECISION = "STEP_FAILED";

  private StepEngine() {}

  /** Everything written for one step, in one transaction. */
  public record Transition(List<Decision> decisions, List<SagaEvent> events, Optional<StepCommand> next) {
    public Transition {
      decisions = List.copyOf(decisions);
      events = List.copyOf(events);
    }
  }

  /**
   * @param decisions the decisions the step appended to the agent's log (for a failed step, ending with its
   *                  {@value #FAILURE_DECISION})
   */
  public static Transition after(StepCommand command, StepResult result, List<Decision> decisions, Instant now) {
    var slip = command.slip();
    int index = slip.cursor();
    String agentType = command.step().agentType();
    List<SagaEvent> events = new ArrayList<>();
    Optional<StepCommand> next = Optional.empty();
    if (result instanceof StepResult.Completed done) {
      events.add(new SagaEvent.StepCompleted(slip.sagaId(), slip.taskId(), SagaEvent.Seq.step(index), index,
          agentType, done.output(), now));
      var advanced = slip.advance();
      if (advanced.isPresent()) {
        next = Optional.of(new StepCommand(advanced.get(), done.output(), 0, command.origin(), now));
      } else {
        events.add(new SagaEvent.Completed(slip.sagaId(), slip.taskId(), SagaEvent.Seq.end(slip.steps().size()), now));
      }
    } else if (result instanceof StepResult.Failed failed) {
      events.add(new SagaEvent.StepFailed(slip.sagaId(), slip.taskId(), SagaEvent.Seq.step(index), index, agentType,
          failed.reason(), now));
      events.add(new SagaEvent.Aborted(slip.sagaId(), slip.taskId(), SagaEvent.Seq.end(slip.steps().size()),
          "step " + index + " (" + agentType + ") failed: " + failed.reason(), now));
    }
    return new Transition(decisions, events, next);
  }
}
