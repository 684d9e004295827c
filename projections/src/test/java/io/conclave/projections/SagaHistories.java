package io.conclave.projections;

import io.conclave.core.LeaderStamp;
import io.conclave.core.SagaEvent;
import io.conclave.core.SagaStep;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Saga histories as the coordinator and the workers write them, for fold tests: Started, then each step's result,
 * then Completed, or a failed step, Aborted and the compensations in reverse order, or a prefix of either (a saga
 * still running). Generated from a seed so a failing case can be replayed.
 */
final class SagaHistories {
  static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");
  static final LeaderStamp LEADER = new LeaderStamp(2, 7);

  private SagaHistories() {}

  static List<SagaStep> plan(int stepCount) {
    List<SagaStep> steps = new ArrayList<>();
    for (int i = 0; i < stepCount; i++) {
      steps.add(new SagaStep("type" + i, "act" + i, "input " + i, "undo" + i));
    }
    return steps;
  }

  static Instant at(int tick) {
    return T0.plusSeconds(tick);
  }

  /** A saga of {@code stepCount} steps that completes. */
  static List<SagaEvent> completed(String taskId, int stepCount) {
    return history(taskId, stepCount, -1);
  }

  /**
   * @param failAt the failing step, or -1 for a saga that completes
   */
  static List<SagaEvent> history(String taskId, int stepCount, int failAt) {
    String sagaId = "saga-" + taskId;
    List<SagaEvent> events = new ArrayList<>();
    int tick = 0;
    events.add(new SagaEvent.Started(sagaId, taskId, SagaEvent.Seq.started(), plan(stepCount), LEADER, at(tick++)));
    for (int i = 0; i < stepCount; i++) {
      if (i == failAt) {
        events.add(new SagaEvent.StepFailed(sagaId, taskId, SagaEvent.Seq.step(i), i, "type" + i, "boom " + i,
            at(tick++)));
        events.add(new SagaEvent.Aborted(sagaId, taskId, SagaEvent.Seq.end(stepCount),
            "step " + i + " (type" + i + ") failed: boom " + i, at(tick++)));
        for (int j = i - 1; j >= 0; j--) {
          events.add(new SagaEvent.Compensated(sagaId, taskId, SagaEvent.Seq.compensated(stepCount, j), j,
              "type" + j, at(tick++)));
        }
        return events;
      }
      events.add(new SagaEvent.StepCompleted(sagaId, taskId, SagaEvent.Seq.step(i), i, "type" + i, "out " + i,
          at(tick++)));
    }
    events.add(new SagaEvent.Completed(sagaId, taskId, SagaEvent.Seq.end(stepCount), at(tick)));
    return events;
  }

  /** A random history of 1..8 steps: completed, aborted, or cut short anywhere (still running). */
  static List<SagaEvent> random(Random random) {
    int stepCount = 1 + random.nextInt(8);
    int failAt = random.nextInt(3) == 0 ? random.nextInt(stepCount) : -1;
    List<SagaEvent> full = history("task-" + random.nextInt(1000), stepCount, failAt);
    return random.nextBoolean() ? full : full.subList(0, 1 + random.nextInt(full.size()));
  }

  static TaskView fold(String taskId, List<SagaEvent> events) {
    TaskView view = TaskView.empty(taskId);
    for (SagaEvent e : events) {
      view = view.apply(e);
    }
    return view;
  }
}
