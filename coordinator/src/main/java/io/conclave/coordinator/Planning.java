package io.conclave.coordinator;

import io.conclave.model.saga.SagaStep;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a shard leader's planning decided for a task: the saga's steps, or a refusal with its
 * reason; either way with what the planner recorded on the way (its model calls), which go to the
 * planner's log before the decision.
 */
public sealed interface Planning {
  /** What the planner recorded while it planned, oldest first. */
  List<Recorded> recorded();

  /** The task runs {@code steps}. */
  record Planned(List<SagaStep> steps, List<Recorded> recorded) implements Planning {
    public Planned {
      steps = List.copyOf(steps);
      if (steps.isEmpty()) {
        throw new IllegalArgumentException("a plan has at least one step");
      }
      recorded = List.copyOf(recorded);
    }
  }

  /** The task is not run, for {@code reason}, which its saga and the planner's log show. */
  record Refused(String reason, List<Recorded> recorded) implements Planning {
    public Refused {
      Objects.requireNonNull(reason, "reason");
      recorded = List.copyOf(recorded);
    }
  }

  /**
   * One decision of the planner's log written before its plan or refusal: a model call ({@code
   * LLM_CALL}, with the model's name) so that a re-drive could answer it from the log.
   */
  record Recorded(String kind, String payload, Optional<String> model) {
    public Recorded {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(payload, "payload");
      Objects.requireNonNull(model, "model");
    }
  }

  static Planning planned(List<SagaStep> steps) {
    return new Planned(steps, List.of());
  }
}
