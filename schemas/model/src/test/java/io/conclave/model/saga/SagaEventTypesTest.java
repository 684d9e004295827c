package io.conclave.model.saga;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.model.saga.SagaState.StepStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every type of saga event, and every step status, has a place in the fold: for each one a history
 * shows the fold acting on it. A new type or status fails here until it has one (the visitor and
 * the switches make the code say what it does; this says that it does something).
 */
public class SagaEventTypesTest {
  private static final Instant T0 = Instant.parse("2026-12-07T09:00:00Z");
  private static final StepPolicy TEN_SECONDS =
      StepPolicy.DEFAULT.withTimeout(Duration.ofSeconds(10));

  /** research; analysis ∥ fact-check; editor approval. */
  private static final List<SagaStep> PLAN =
      List.of(
          new SagaStep("research", "gather", "", "discard", false, TEN_SECONDS),
          new SagaStep("analysis", "analyze", "", "retract", false, TEN_SECONDS),
          new SagaStep("fact-check", "verify", "", "", true, StepPolicy.DEFAULT),
          SagaStep.approval("editor", StepPolicy.DEFAULT.withTimeout(Duration.ofHours(4))));

  /**
   * For each type of event: a history whose last event is of that type and changes the state folded
   * before it.
   */
  public static Map<Class<?>, List<SagaEvent>> historyEndingIn() {
    Map<Class<?>, List<SagaEvent>> h = new LinkedHashMap<>();
    h.put(SagaEvent.Started.class, List.of(started()));
    h.put(SagaEvent.StepCompleted.class, List.of(started(), completed(0)));
    h.put(SagaEvent.StepFailed.class, List.of(started(), failed(0)));
    h.put(SagaEvent.DispatchHeld.class, List.of(started(), held(0)));
    h.put(
        SagaEvent.DispatchReleased.class,
        List.of(
            started(),
            held(0),
            new SagaEvent.DispatchReleased("saga-1", "task-1", 0, "research", at(2))));
    h.put(
        SagaEvent.Joined.class,
        List.of(started(), completed(0), completed(1), completed(2), joined()));
    h.put(SagaEvent.ApprovalRequested.class, List.of(started(), approvalRequested()));
    h.put(
        SagaEvent.ApprovalDecided.class,
        List.of(
            started(),
            approvalRequested(),
            new SagaEvent.ApprovalDecided("saga-1", "task-1", 3, true, "ana", "fine", at(3))));
    List<SagaEvent> compensating =
        List.of(started(), completed(0), failed(1), completed(2), joined());
    int first = fold(compensating).compensationOrder().get(0);
    String type = PLAN.get(first).agentType();
    h.put(
        SagaEvent.Compensated.class,
        append(
            compensating, new SagaEvent.Compensated("saga-1", "task-1", 20, first, type, at(6))));
    h.put(
        SagaEvent.CompensationFailed.class,
        append(
            compensating,
            new SagaEvent.CompensationFailed(
                "saga-1", "task-1", first, type, 1, "undo failed", at(6))));
    h.put(
        SagaEvent.CompensationRetried.class,
        append(
            compensating,
            new SagaEvent.CompensationRetried("saga-1", "task-1", first, type, 2, at(6))));
    h.put(
        SagaEvent.CompensationParked.class,
        append(
            compensating,
            new SagaEvent.CompensationParked(
                "saga-1", "task-1", first, type, 3, "undo failed", at(6))));
    h.put(
        SagaEvent.Completed.class,
        List.of(started(), new SagaEvent.Completed("saga-1", "task-1", 5, at(9))));
    h.put(
        SagaEvent.Aborted.class,
        List.of(started(), new SagaEvent.Aborted("saga-1", "task-1", 5, "no", at(9))));
    return h;
  }

  /** For each step status: a history after which a step of the saga is in it. */
  public static Map<StepStatus, List<SagaEvent>> historyReaching() {
    Map<StepStatus, List<SagaEvent>> h = new LinkedHashMap<>();
    h.put(StepStatus.PENDING, List.of(started()));
    h.put(StepStatus.RUNNING, List.of(started()));
    h.put(StepStatus.HELD, List.of(started(), held(0)));
    h.put(StepStatus.AWAITING_APPROVAL, List.of(started(), approvalRequested()));
    h.put(StepStatus.COMPLETED, List.of(started(), completed(0)));
    h.put(StepStatus.FAILED, List.of(started(), failed(0)));
    return h;
  }

  static Stream<Class<?>> eventTypes() {
    return Arrays.stream(SagaEvent.class.getPermittedSubclasses());
  }

  @Test
  void everyTypeOfEventHasAHistory() {
    assertThat(historyEndingIn().keySet())
        .containsExactlyInAnyOrder(SagaEvent.class.getPermittedSubclasses());
  }

  @ParameterizedTest
  @MethodSource("eventTypes")
  void theFoldActsOnEveryTypeOfEvent(Class<?> type) {
    List<SagaEvent> history = historyEndingIn().get(type);
    assertThat(history).as("a history ending in a %s", type.getSimpleName()).isNotNull();
    SagaEvent last = history.get(history.size() - 1);
    assertThat(last).isInstanceOf(type);

    SagaState before = fold(history.subList(0, history.size() - 1));
    SagaState after = before.apply(last);

    assertThat(after).as("%s folded into %s", last, before).isNotEqualTo(before);
    assertThat(after.apply(last)).as("applied twice").isEqualTo(after);
  }

  @ParameterizedTest
  @EnumSource(StepStatus.class)
  void theFoldReachesEveryStepStatus(StepStatus status) {
    List<SagaEvent> history = historyReaching().get(status);
    assertThat(history).as("a history reaching %s", status).isNotNull();

    SagaState state = fold(history);

    assertThat(state.steps()).extracting(SagaState.StepState::status).contains(status);
  }

  @Test
  void settledMeansHavingAnOutcome() {
    assertThat(Arrays.stream(StepStatus.values()).filter(StepStatus::isSettled))
        .containsExactlyInAnyOrder(StepStatus.COMPLETED, StepStatus.FAILED);
  }

  static SagaState fold(List<SagaEvent> history) {
    SagaState s = SagaState.empty("saga-1", "task-1");
    for (SagaEvent e : history) {
      s = s.apply(e);
    }
    return s;
  }

  private static List<SagaEvent> append(List<SagaEvent> history, SagaEvent e) {
    List<SagaEvent> out = new ArrayList<>(history);
    out.add(e);
    return out;
  }

  private static SagaEvent started() {
    return new SagaEvent.Started("saga-1", "task-1", 0, PLAN, "why?", new LeaderStamp(0, 1), T0);
  }

  private static SagaEvent completed(int step) {
    return new SagaEvent.StepCompleted(
        "saga-1",
        "task-1",
        step + 1,
        step,
        PLAN.get(step).agentType(),
        "out " + step,
        at(step + 1));
  }

  private static SagaEvent failed(int step) {
    return new SagaEvent.StepFailed(
        "saga-1",
        "task-1",
        step + 1,
        step,
        PLAN.get(step).agentType(),
        "boom " + step,
        at(step + 1));
  }

  private static SagaEvent held(int step) {
    return new SagaEvent.DispatchHeld("saga-1", "task-1", step, PLAN.get(step).agentType(), at(1));
  }

  private static SagaEvent joined() {
    return new SagaEvent.Joined("saga-1", "task-1", 1, at(4));
  }

  /**
   * The approval step reached out of turn: the fold dispatches a PENDING step an approval request
   * names.
   */
  private static SagaEvent approvalRequested() {
    return new SagaEvent.ApprovalRequested("saga-1", "task-1", 3, at(2));
  }

  private static Instant at(int seconds) {
    return T0.plusSeconds(seconds);
  }
}
