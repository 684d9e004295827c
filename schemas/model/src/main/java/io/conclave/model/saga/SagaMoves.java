package io.conclave.model.saga;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * What to write for a step of a saga's life, in one transaction: saga events, step commands,
 * compensation commands, and compensations given up on (for the dead-letter topic). Pure: the
 * callers write them.
 *
 * @param parked compensations that failed every attempt; they go to the dead-letter topic for an
 *     operator
 */
public record SagaMoves(
    List<SagaEvent> events,
    List<StepCommand> commands,
    List<CompensateCommand> compensations,
    List<CompensateCommand> parked) {
  public SagaMoves {
    events = List.copyOf(events);
    commands = List.copyOf(commands);
    compensations = List.copyOf(compensations);
    parked = List.copyOf(parked);
  }

  public static SagaMoves none() {
    return new SagaMoves(List.of(), List.of(), List.of(), List.of());
  }

  public boolean isEmpty() {
    return events.isEmpty() && commands.isEmpty() && compensations.isEmpty() && parked.isEmpty();
  }

  /** A saga's start: {@link SagaEvent.Started} and the dispatch of its first stage. */
  public static SagaMoves start(RoutingSlip slip, LeaderStamp leader, Instant now) {
    var b = new Builder();
    b.events.add(
        new SagaEvent.Started(
            slip.sagaId(),
            slip.taskId(),
            SagaEvent.Seq.started(),
            slip.steps(),
            slip.prompt(),
            leader,
            now,
            slip.spending()));
    b.dispatch(slip, slip.stageSteps(0), leader, now);
    return b.build();
  }

  /**
   * A saga the shard leader will not run: {@link SagaEvent.Started} and at once {@link
   * SagaEvent.Aborted} with {@code reason}, nothing dispatched (its tenant's budget is spent).
   */
  public static SagaMoves refuse(RoutingSlip slip, LeaderStamp leader, String reason, Instant now) {
    var b = new Builder();
    b.events.add(
        new SagaEvent.Started(
            slip.sagaId(),
            slip.taskId(),
            SagaEvent.Seq.started(),
            slip.steps(),
            slip.prompt(),
            leader,
            now,
            slip.spending()));
    b.events.add(aborted(slip, reason, now));
    return b.build();
  }

  /**
   * What follows {@code outcome}, decided as {@code decision}.
   *
   * @param writeOutcome whether the outcome's event is written now (false when it was written
   *     before, by the branch whose outcome completed a parallel stage)
   * @param join whether this is the join of the outcome's parallel stage ({@link SagaEvent.Joined})
   */
  public static SagaMoves after(
      SagaDecision decision,
      StepOutcome outcome,
      boolean writeOutcome,
      boolean join,
      LeaderStamp origin,
      Instant now) {
    RoutingSlip slip = decision.slip();
    var b = new Builder();
    int i = outcome.stepIndex();
    SagaStep step = slip.steps().get(i);
    if (writeOutcome) {
      b.events.add(
          outcome.<SagaEvent>match(
              c ->
                  new SagaEvent.StepCompleted(
                      slip.sagaId(),
                      slip.taskId(),
                      SagaEvent.Seq.step(i),
                      i,
                      step.agentType(),
                      c.output(),
                      now,
                      c.tokens(),
                      c.costMicros()),
              f ->
                  new SagaEvent.StepFailed(
                      slip.sagaId(),
                      slip.taskId(),
                      SagaEvent.Seq.step(i),
                      i,
                      step.agentType(),
                      f.reason(),
                      now,
                      f.tokens(),
                      f.costMicros())));
    }
    if (join) {
      b.events.add(
          new SagaEvent.Joined(slip.sagaId(), slip.taskId(), slip.stageSteps(i).get(0), now));
    }
    decision.accept(
        new SagaDecision.Visitor<Void>() {
          @Override
          public Void dispatch(SagaDecision.Dispatch d) {
            b.dispatch(slip, d.steps(), origin, now);
            return null;
          }

          @Override
          public Void await(SagaDecision.Await a) {
            return null; // the stage's last branch moves the saga on
          }

          @Override
          public Void compensate(SagaDecision.Compensate c) {
            b.compensations.add(
                new CompensateCommand(
                    slip,
                    c.order().get(0),
                    c.order().subList(1, c.order().size()),
                    c.reason(),
                    1,
                    origin,
                    now));
            return null;
          }

          @Override
          public Void complete(SagaDecision.Complete c) {
            b.events.add(
                new SagaEvent.Completed(
                    slip.sagaId(), slip.taskId(), SagaEvent.Seq.end(slip.steps().size()), now));
            return null;
          }

          @Override
          public Void abort(SagaDecision.Abort a) {
            b.events.add(aborted(slip, a.reason(), now));
            return null;
          }
        });
    return b.build();
  }

  /**
   * These moves as the shard leader writes them while some agent types take no calls: a command for
   * a type that {@code unavailable} names is not sent, and a {@link SagaEvent.DispatchHeld} records
   * that its step waits.
   */
  public SagaMoves holding(Predicate<String> unavailable, Instant now) {
    if (commands.stream().noneMatch(c -> unavailable.test(c.step().agentType()))) {
      return this;
    }
    List<SagaEvent> held = new ArrayList<>(events);
    List<StepCommand> sent = new ArrayList<>();
    for (StepCommand c : commands) {
      if (unavailable.test(c.step().agentType())) {
        held.add(
            new SagaEvent.DispatchHeld(
                c.slip().sagaId(), c.slip().taskId(), c.stepIndex(), c.step().agentType(), now));
      } else {
        sent.add(c);
      }
    }
    return new SagaMoves(held, sent, compensations, parked);
  }

  /**
   * The shard leader sends the command of step {@code index}, which it held: {@link
   * SagaEvent.DispatchReleased} and the command, with the deadline the step got when it was
   * dispatched.
   */
  public static SagaMoves release(
      RoutingSlip slip, int index, Optional<Instant> deadline, LeaderStamp leader, Instant now) {
    var step = slip.steps().get(index);
    return new SagaMoves(
        List.of(
            new SagaEvent.DispatchReleased(
                slip.sagaId(), slip.taskId(), index, step.agentType(), now)),
        List.of(
            new StepCommand(
                slip.at(index),
                slip.previousOutput(slip.stageOf(index)),
                0,
                leader,
                now,
                deadline)),
        List.of(),
        List.of());
  }

  /**
   * Step {@code command.stepIndex()} was undone: record it and undo the next step, or end the saga.
   */
  public static SagaMoves compensated(CompensateCommand command, Instant now) {
    var b = new Builder();
    RoutingSlip slip = command.slip();
    b.events.add(
        new SagaEvent.Compensated(
            slip.sagaId(),
            slip.taskId(),
            SagaEvent.Seq.compensated(slip.steps().size(), command.stepIndex()),
            command.stepIndex(),
            command.step().agentType(),
            now));
    b.next(command, now);
    return b.build();
  }

  /** An attempt to undo a step failed; the shard leader retries it after a backoff. */
  public static SagaMoves compensationFailed(CompensateCommand command, String error, Instant now) {
    RoutingSlip slip = command.slip();
    return new SagaMoves(
        List.of(
            new SagaEvent.CompensationFailed(
                slip.sagaId(),
                slip.taskId(),
                command.stepIndex(),
                command.step().agentType(),
                command.attempt(),
                error,
                now)),
        List.of(),
        List.of(),
        List.of());
  }

  /** The shard leader tries a failed compensation again. */
  public static SagaMoves retryCompensation(
      CompensateCommand failed, LeaderStamp leader, Instant now) {
    RoutingSlip slip = failed.slip();
    int attempt = failed.attempt() + 1;
    return new SagaMoves(
        List.of(
            new SagaEvent.CompensationRetried(
                slip.sagaId(),
                slip.taskId(),
                failed.stepIndex(),
                failed.step().agentType(),
                attempt,
                now)),
        List.of(),
        List.of(
            new CompensateCommand(
                slip,
                failed.stepIndex(),
                failed.remaining(),
                failed.reason(),
                attempt,
                leader,
                now)),
        List.of());
  }

  /**
   * The shard leader gives up on a compensation: it goes to the dead-letter topic with an alert
   * event, and the saga goes on undoing the steps before it.
   */
  public static SagaMoves park(CompensateCommand failed, String error, Instant now) {
    var b = new Builder();
    RoutingSlip slip = failed.slip();
    b.events.add(
        new SagaEvent.CompensationParked(
            slip.sagaId(),
            slip.taskId(),
            failed.stepIndex(),
            failed.step().agentType(),
            failed.attempt(),
            error,
            now));
    b.parked.add(failed);
    b.next(failed, now);
    return b.build();
  }

  private static SagaEvent.Aborted aborted(RoutingSlip slip, String reason, Instant now) {
    return new SagaEvent.Aborted(
        slip.sagaId(), slip.taskId(), SagaEvent.Seq.end(slip.steps().size()), reason, now);
  }

  private static final class Builder {
    final List<SagaEvent> events = new ArrayList<>();
    final List<StepCommand> commands = new ArrayList<>();
    final List<CompensateCommand> compensations = new ArrayList<>();
    final List<CompensateCommand> parked = new ArrayList<>();

    void dispatch(RoutingSlip slip, List<Integer> steps, LeaderStamp origin, Instant now) {
      for (int j : steps) {
        SagaStep step = slip.steps().get(j);
        if (step.isApproval()) {
          events.add(new SagaEvent.ApprovalRequested(slip.sagaId(), slip.taskId(), j, now));
        } else {
          Optional<Instant> deadline =
              step.policy().hasDeadline()
                  ? Optional.of(now.plus(step.policy().timeout()))
                  : Optional.empty();
          commands.add(
              new StepCommand(
                  slip.at(j), slip.previousOutput(slip.stageOf(j)), 0, origin, now, deadline));
        }
      }
    }

    void next(CompensateCommand done, Instant now) {
      List<Integer> rest = done.remaining();
      if (rest.isEmpty()) {
        events.add(aborted(done.slip(), done.reason(), now));
      } else {
        compensations.add(
            new CompensateCommand(
                done.slip(),
                rest.get(0),
                rest.subList(1, rest.size()),
                done.reason(),
                1,
                done.origin(),
                now));
      }
    }

    SagaMoves build() {
      return new SagaMoves(events, commands, compensations, parked);
    }
  }
}
