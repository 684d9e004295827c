package io.conclave.model.saga;

import io.conclave.model.saga.SagaState.CompensationStatus;
import io.conclave.model.saga.SagaState.StepState;
import io.conclave.model.saga.SagaState.StepStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * What the shard leader does for a saga of its shard, as a pure function of the saga's state and
 * the time: it joins parallel stages, carries out approval decisions, fails steps whose deadline
 * passed, retries failed compensations with backoff and parks the ones that keep failing. Workers
 * route everything else themselves.
 *
 * <p>The leader writes the moves in a transaction of its shard's producer (fenced by its epoch) and
 * folds their events into its state at once, so that it does not decide the same thing twice; a new
 * leader rebuilds the state from the shard's saga events and so continues where the last one
 * committed.
 */
public final class SagaSupervisor {
  private SagaSupervisor() {}

  /**
   * The next moves due for {@code saga} at {@code now}, or {@link SagaMoves#none()}. Call again
   * after folding the returned events in: one call decides one thing.
   *
   * @param grace how long past a step's deadline the leader leaves the worker to report before
   *     failing the step itself: at least the time a worker may take between its own deadline check
   *     and its commit
   */
  public static SagaMoves due(SagaState saga, Instant now, Duration grace, LeaderStamp leader) {
    return due(saga, now, grace, leader, agentType -> false);
  }

  /**
   * As {@link #due(SagaState, Instant, Duration, LeaderStamp)}, while the agent types {@code
   * unavailable} names take no calls (every breaker reported for them is open): a step the leader
   * would dispatch to one is held instead ({@link SagaMoves#holding}), a held step whose type takes
   * calls again is released ({@link SagaMoves#release}), and a held step whose deadline passes
   * fails like a running one.
   */
  public static SagaMoves due(
      SagaState saga,
      Instant now,
      Duration grace,
      LeaderStamp leader,
      Predicate<String> unavailable) {
    if (!saga.isStarted() || saga.status().isFinished()) {
      return SagaMoves.none();
    }
    RoutingSlip slip = saga.slip();
    for (List<Integer> stage : slip.stages()) {
      if (stage.size() > 1
          && !saga.joined().contains(stage.get(0))
          && stage.stream().allMatch(slip::isSettled)
          && saga.compensationOrder().isEmpty()) {
        int last = stage.get(stage.size() - 1);
        StepOutcome outcome =
            slip.outputs().containsKey(last)
                ? new StepOutcome.Completed(last, slip.outputs().get(last))
                : new StepOutcome.Failed(last, slip.failures().get(last));
        return SagaMoves.after(SagaDecider.decide(slip, outcome), outcome, false, true, leader, now)
            .holding(unavailable, now);
      }
    }
    for (StepState step : saga.steps()) {
      StepOutcome outcome = outcomeDue(saga, step, now, grace);
      if (outcome != null) {
        SagaDecision decision = SagaDecider.decide(slip, outcome);
        // settling the last open branch of a parallel stage is its join: without the Joined event
        // the fold would not move the stage on, and the join above would decide (dispatch or
        // compensate) a second time
        boolean join =
            slip.stageSteps(step.index()).size() > 1 && !(decision instanceof SagaDecision.Await);
        return SagaMoves.after(decision, outcome, true, join, leader, now)
            .holding(unavailable, now);
      }
    }
    for (StepState step : saga.steps()) {
      if (step.status() == StepStatus.HELD
          && !unavailable.test(step.agentType())
          && saga.compensationOrder().isEmpty()) {
        return SagaMoves.release(
            slip, step.index(), Optional.ofNullable(step.deadline()), leader, now);
      }
    }
    for (StepState step : saga.steps()) {
      if (step.compensation() != CompensationStatus.FAILED) {
        continue;
      }
      CompensateCommand failed = failedCompensation(saga, step, leader, now);
      int maxAttempts = saga.plan().get(step.index()).policy().maxAttempts();
      if (step.compensationAttempt() >= maxAttempts) {
        return SagaMoves.park(failed, step.compensationError(), now);
      }
      Duration wait =
          saga.plan().get(step.index()).policy().backoffAfter(step.compensationAttempt());
      if (!now.isBefore(step.compensationAt().plus(wait))) {
        return SagaMoves.retryCompensation(failed, leader, now);
      }
    }
    return SagaMoves.none();
  }

  /**
   * When the leader next has to look at {@code saga} though no event arrives: the first instant at
   * which {@link #due} fails a step for its deadline or retries a compensation; null if never.
   */
  public static Instant nextCheck(SagaState saga, Duration grace) {
    if (!saga.isStarted() || saga.status().isFinished()) {
      return null;
    }
    Instant next = null;
    for (StepState step : saga.steps()) {
      // due fails a step only once its deadline (plus grace) is strictly past: the first instant
      // after it
      Instant t =
          step.deadline() == null
              ? null
              : switch (step.status()) {
                case RUNNING -> step.deadline().plus(grace).plusNanos(1);
                case HELD, AWAITING_APPROVAL -> step.deadline().plusNanos(1);
                case PENDING, COMPLETED, FAILED -> null;
              };
      if (t == null && step.compensation() == CompensationStatus.FAILED) {
        t =
            step.compensationAt()
                .plus(
                    saga.plan()
                        .get(step.index())
                        .policy()
                        .backoffAfter(step.compensationAttempt()));
      }
      if (t != null && (next == null || t.isBefore(next))) {
        next = t;
      }
    }
    return next;
  }

  private static StepOutcome outcomeDue(
      SagaState saga, StepState step, Instant now, Duration grace) {
    // a switch without default: a new step status does not compile until it says when the leader
    // settles it
    return switch (step.status()) {
      case AWAITING_APPROVAL -> approvalDue(saga, step, now);
      // a held step's command never left the leader: no worker can report it, so no grace
      case HELD ->
          step.deadline() != null && now.isAfter(step.deadline())
              ? new StepOutcome.Failed(
                  step.index(),
                  "deadline of "
                      + timeout(saga, step)
                      + " exceeded while "
                      + step.agentType()
                      + " took no calls (its circuit breakers were open)")
              : null;
      // a worker reports its own outcome until the deadline; after it (and the grace), the leader
      // decides
      case RUNNING ->
          step.deadline() != null && now.isAfter(step.deadline().plus(grace))
              ? new StepOutcome.Failed(
                  step.index(), "deadline of " + timeout(saga, step) + " exceeded")
              : null;
      case PENDING, COMPLETED, FAILED -> null;
    };
  }

  private static StepOutcome approvalDue(SagaState saga, StepState step, Instant now) {
    SagaState.Approval a = step.approval();
    if (a != null) {
      String who =
          (a.actor().isBlank() ? "" : " by " + a.actor())
              + (a.comment().isBlank() ? "" : ": " + a.comment());
      return a.approved()
          ? new StepOutcome.Completed(step.index(), "approved" + who)
          : new StepOutcome.Failed(step.index(), "rejected" + who);
    }
    if (step.deadline() != null && now.isAfter(step.deadline())) {
      return new StepOutcome.Failed(step.index(), "no approval within " + timeout(saga, step));
    }
    return null;
  }

  private static String timeout(SagaState saga, StepState step) {
    Duration t = saga.plan().get(step.index()).policy().timeout();
    return t.toMillis() % 1000 == 0 ? t.toSeconds() + " s" : t.toMillis() + " ms";
  }

  private static CompensateCommand failedCompensation(
      SagaState saga, StepState step, LeaderStamp leader, Instant now) {
    List<Integer> order = saga.compensationOrder();
    int pos = order.indexOf(step.index());
    List<Integer> remaining = pos < 0 ? List.of() : order.subList(pos + 1, order.size());
    return new CompensateCommand(
        saga.slip(),
        step.index(),
        remaining,
        saga.reason() == null ? "" : saga.reason(),
        step.compensationAttempt(),
        leader,
        now);
  }
}
