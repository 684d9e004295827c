package io.conclave.worker;

import io.conclave.core.Decision;
import io.conclave.core.DecisionKey;
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
   * @param agentId  the agent whose log gets the decisions
   * @param firstSeq the sequence number of its first new decision
   */
  public static Transition after(StepCommand command, StepResult result, String agentId, long firstSeq, Instant now) {
    var slip = command.slip();
    int index = slip.cursor();
    String agentType = command.step().agentType();
    List<Decision> decisions = new ArrayList<>();
    List<SagaEvent> events = new ArrayList<>();
    Optional<StepCommand> next = Optional.empty();
    if (result instanceof StepResult.Completed done) {
      long seq = firstSeq;
      for (var draft : done.decisions()) {
        decisions.add(decision(command, agentId, seq++, draft.kind(), draft.payload(), now));
      }
      events.add(new SagaEvent.StepCompleted(slip.sagaId(), slip.taskId(), SagaEvent.Seq.step(index), index,
          agentType, done.output(), now));
      var advanced = slip.advance();
      if (advanced.isPresent()) {
        next = Optional.of(new StepCommand(advanced.get(), done.output(), 0, command.origin(), now));
      } else {
        events.add(new SagaEvent.Completed(slip.sagaId(), slip.taskId(), SagaEvent.Seq.end(slip.steps().size()), now));
      }
    } else if (result instanceof StepResult.Failed failed) {
      decisions.add(decision(command, agentId, firstSeq, FAILURE_DECISION, failed.reason(), now));
      events.add(new SagaEvent.StepFailed(slip.sagaId(), slip.taskId(), SagaEvent.Seq.step(index), index, agentType,
          failed.reason(), now));
      events.add(new SagaEvent.Aborted(slip.sagaId(), slip.taskId(), SagaEvent.Seq.end(slip.steps().size()),
          "step " + index + " (" + agentType + ") failed: " + failed.reason(), now));
    }
    return new Transition(decisions, events, next);
  }

  private static Decision decision(StepCommand command, String agentId, long seq, String kind, String payload,
                                   Instant now) {
    return new Decision(new DecisionKey(agentId, seq), Optional.of(command.slip().sagaId()),
        Optional.of(command.slip().cursor()), kind, payload, now, Optional.empty());
  }
}
