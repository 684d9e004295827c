package io.conclave.core;

import java.time.Instant;
import java.util.List;

/**
 * One event in a saga's history. Events of a saga are numbered by {@link #seq()}: the number is a function of
 * what happened (see {@link Seq}), not of when it was written, so a redelivered event carries the same number and
 * the compacted {@code conclave.saga-events} topic (key = sagaId, seq) keeps it once.
 */
public sealed interface SagaEvent {
  String sagaId();

  String taskId();

  long seq();

  Instant at();

  /** The leader of {@code leader.shard()} planned the saga. */
  record Started(String sagaId, String taskId, long seq, List<SagaStep> plan, LeaderStamp leader, Instant at)
      implements SagaEvent {
    public Started {
      Require.text(sagaId, "sagaId");
      Require.text(taskId, "taskId");
      plan = List.copyOf(Require.present(plan, "plan"));
      Require.present(leader, "leader");
      Require.present(at, "at");
    }
  }

  record StepCompleted(String sagaId, String taskId, long seq, int stepIndex, String agentType, String output,
                       Instant at) implements SagaEvent {
    public StepCompleted {
      Require.text(sagaId, "sagaId");
      Require.text(taskId, "taskId");
      Require.notNegative(stepIndex, "stepIndex");
      Require.text(agentType, "agentType");
      Require.present(output, "output");
      Require.present(at, "at");
    }
  }

  record StepFailed(String sagaId, String taskId, long seq, int stepIndex, String agentType, String error,
                    Instant at) implements SagaEvent {
    public StepFailed {
      Require.text(sagaId, "sagaId");
      Require.text(taskId, "taskId");
      Require.notNegative(stepIndex, "stepIndex");
      Require.text(agentType, "agentType");
      Require.present(error, "error");
      Require.present(at, "at");
    }
  }

  record Compensated(String sagaId, String taskId, long seq, int stepIndex, String agentType, Instant at)
      implements SagaEvent {
    public Compensated {
      Require.text(sagaId, "sagaId");
      Require.text(taskId, "taskId");
      Require.notNegative(stepIndex, "stepIndex");
      Require.text(agentType, "agentType");
      Require.present(at, "at");
    }
  }

  record Completed(String sagaId, String taskId, long seq, Instant at) implements SagaEvent {
    public Completed {
      Require.text(sagaId, "sagaId");
      Require.text(taskId, "taskId");
      Require.present(at, "at");
    }
  }

  record Aborted(String sagaId, String taskId, long seq, String reason, Instant at) implements SagaEvent {
    public Aborted {
      Require.text(sagaId, "sagaId");
      Require.text(taskId, "taskId");
      Require.present(reason, "reason");
      Require.present(at, "at");
    }
  }

  /**
   * The numbering of a saga of {@code n} steps: started 0; step i completed or failed i + 1; completed or
   * aborted n + 1; step i compensated n + 2 + (n - 1 - i), i.e. in the reverse order compensations run.
   */
  final class Seq {
    private Seq() {}

    public static long started() {
      return 0;
    }

    public static long step(int stepIndex) {
      return stepIndex + 1L;
    }

    public static long end(int stepCount) {
      return stepCount + 1L;
    }

    public static long compensated(int stepCount, int stepIndex) {
      return stepCount + 2L + (stepCount - 1L - stepIndex);
    }
  }
}
