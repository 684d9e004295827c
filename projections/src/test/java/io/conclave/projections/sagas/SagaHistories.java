package io.conclave.projections.sagas;

import io.conclave.model.saga.LeaderStamp;
import io.conclave.model.saga.SagaEvent;
import io.conclave.model.saga.SagaState;
import io.conclave.model.saga.SagaStep;
import io.conclave.model.saga.StepPolicy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Saga histories of sequential steps as the shard leader and the workers write them, for fold
 * tests: Started, then each step's outcome (an approval step: requested, decided, then its
 * outcome), then Completed; or a failed step (or a rejected approval), the compensation of every
 * step up to it that has one, latest first (retried or parked as {@link Undo} says), then Aborted;
 * or a prefix of either (a saga still running). Generated from a seed so a failing case can be
 * replayed.
 */
public final class SagaHistories {
  public static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");
  public static final LeaderStamp LEADER = new LeaderStamp(2, 7);
  public static final String PROMPT = "why are llamas fluffy?";

  /** How often a compensation is tried before the shard leader parks it (the default policy). */
  public static final int ATTEMPTS = StepPolicy.DEFAULT.maxAttempts();

  /** How the compensation of a step goes. */
  public enum Undo {
    DONE,
    RETRIED_THEN_DONE,
    PARKED
  }

  /**
   * A saga's history, to be written out by {@link #events()}.
   *
   * @param approvals the steps that are human approvals; the others are {@code type<i>.act<i>},
   *     undone by {@code undo<i>}
   * @param failAt the step that fails (an approval: is rejected), or -1 for a saga that completes
   * @param undo how each compensation goes; {@link Undo#DONE} for a step not listed
   */
  public record Script(
      String taskId, int stepCount, Set<Integer> approvals, int failAt, Map<Integer, Undo> undo) {
    String sagaId() {
      return "saga-" + taskId;
    }

    /** The steps undone when the saga fails, in order. */
    public List<Integer> compensationOrder() {
      List<Integer> order = new ArrayList<>();
      for (int j = failAt; j >= 0; j--) {
        if (!approvals.contains(j)) {
          order.add(j);
        }
      }
      return order;
    }

    /** The status the whole history ends in. */
    public SagaState.Status outcome() {
      if (failAt < 0) {
        return SagaState.Status.COMPLETED;
      }
      return compensationOrder().stream().anyMatch(j -> undo.get(j) == Undo.PARKED)
          ? SagaState.Status.FAILED
          : SagaState.Status.COMPENSATED;
    }

    public List<SagaEvent> events() {
      return new Writer(this).write();
    }
  }

  private SagaHistories() {}

  public static Instant at(int tick) {
    return T0.plusSeconds(tick);
  }

  public static List<SagaStep> plan(int stepCount, Set<Integer> approvals) {
    List<SagaStep> steps = new ArrayList<>();
    for (int i = 0; i < stepCount; i++) {
      steps.add(
          approvals.contains(i)
              ? SagaStep.approval("sign-off" + i, StepPolicy.DEFAULT)
              : new SagaStep("type" + i, "act" + i, "input " + i, "undo" + i));
    }
    return steps;
  }

  /** A saga of {@code stepCount} steps that completes. */
  public static List<SagaEvent> completed(String taskId, int stepCount) {
    return history(taskId, stepCount, -1);
  }

  /**
   * A saga of {@code stepCount} steps in which {@code failAt} fails (-1: none) and every
   * compensation is done.
   */
  public static List<SagaEvent> history(String taskId, int stepCount, int failAt) {
    return new Script(taskId, stepCount, Set.of(), failAt, Map.of()).events();
  }

  /**
   * A random script of 1..8 steps, some of them approvals: completed, or failed with any kind of
   * compensation.
   */
  public static Script randomScript(Random random) {
    int stepCount = 1 + random.nextInt(8);
    Set<Integer> approvals = new HashSet<>();
    Map<Integer, Undo> undo = new HashMap<>();
    for (int i = 0; i < stepCount; i++) {
      if (random.nextInt(4) == 0) {
        approvals.add(i);
      }
      undo.put(i, Undo.values()[random.nextInt(Undo.values().length)]);
    }
    int failAt = random.nextInt(3) == 0 ? random.nextInt(stepCount) : -1;
    return new Script("task-" + random.nextInt(1000), stepCount, approvals, failAt, undo);
  }

  /** A random history: a random script's, whole or cut short anywhere (still running). */
  public static List<SagaEvent> random(Random random) {
    List<SagaEvent> full = randomScript(random).events();
    return random.nextBoolean() ? full : full.subList(0, 1 + random.nextInt(full.size()));
  }

  /** The state the projection folds {@code events} into ({@link SagaFold#apply}). */
  public static SagaState fold(List<SagaEvent> events) {
    SagaState state = null;
    for (SagaEvent e : events) {
      state = SagaFold.apply(state, e);
    }
    return state;
  }

  /** Writes a script's events, one tick apart. */
  private static final class Writer {
    final Script s;
    final List<SagaEvent> events = new ArrayList<>();
    int tick;

    Writer(Script script) {
      s = script;
    }

    List<SagaEvent> write() {
      events.add(
          new SagaEvent.Started(
              s.sagaId(),
              s.taskId(),
              SagaEvent.Seq.started(),
              plan(s.stepCount(), s.approvals()),
              PROMPT,
              LEADER,
              next()));
      requestIfApproval(0);
      for (int i = 0; i < s.stepCount(); i++) {
        boolean fails = i == s.failAt();
        String type = s.approvals().contains(i) ? SagaStep.APPROVAL : "type" + i;
        if (s.approvals().contains(i)) {
          events.add(
              new SagaEvent.ApprovalDecided(
                  s.sagaId(), s.taskId(), i, !fails, "alice", "", next()));
        }
        if (fails) {
          String error = s.approvals().contains(i) ? "rejected by alice" : "boom " + i;
          events.add(
              new SagaEvent.StepFailed(
                  s.sagaId(), s.taskId(), SagaEvent.Seq.step(i), i, type, error, next()));
          s.compensationOrder().forEach(this::undo);
          SagaStep step = plan(s.stepCount(), s.approvals()).get(i);
          events.add(
              new SagaEvent.Aborted(
                  s.sagaId(),
                  s.taskId(),
                  SagaEvent.Seq.end(s.stepCount()),
                  "step "
                      + i
                      + " ("
                      + step.agentType()
                      + "."
                      + step.action()
                      + ") failed: "
                      + error,
                  next()));
          return events;
        }
        String output = s.approvals().contains(i) ? "approved by alice" : "out " + i;
        events.add(
            new SagaEvent.StepCompleted(
                s.sagaId(), s.taskId(), SagaEvent.Seq.step(i), i, type, output, next()));
        requestIfApproval(i + 1);
      }
      events.add(
          new SagaEvent.Completed(
              s.sagaId(), s.taskId(), SagaEvent.Seq.end(s.stepCount()), next()));
      return events;
    }

    /** The leader asks for an approval when it dispatches the step. */
    void requestIfApproval(int i) {
      if (s.approvals().contains(i)) {
        events.add(new SagaEvent.ApprovalRequested(s.sagaId(), s.taskId(), i, next()));
      }
    }

    void undo(int j) {
      Undo how = s.undo().getOrDefault(j, Undo.DONE);
      int failures = how == Undo.DONE ? 0 : how == Undo.RETRIED_THEN_DONE ? 1 : ATTEMPTS;
      for (int attempt = 1; attempt <= failures; attempt++) {
        events.add(
            new SagaEvent.CompensationFailed(
                s.sagaId(), s.taskId(), j, "type" + j, attempt, "undo failed " + attempt, next()));
        if (attempt < ATTEMPTS) {
          events.add(
              new SagaEvent.CompensationRetried(
                  s.sagaId(), s.taskId(), j, "type" + j, attempt + 1, next()));
        }
      }
      if (how == Undo.PARKED) {
        events.add(
            new SagaEvent.CompensationParked(
                s.sagaId(),
                s.taskId(),
                j,
                "type" + j,
                ATTEMPTS,
                "undo failed " + ATTEMPTS,
                next()));
      } else {
        events.add(
            new SagaEvent.Compensated(
                s.sagaId(),
                s.taskId(),
                SagaEvent.Seq.compensated(s.stepCount(), j),
                j,
                "type" + j,
                next()));
      }
    }

    Instant next() {
      return at(tick++);
    }
  }
}
