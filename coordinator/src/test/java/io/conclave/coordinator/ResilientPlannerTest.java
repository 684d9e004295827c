package io.conclave.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.conclave.model.cluster.TaskSubmission;
import io.conclave.model.saga.SagaStep;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link ResilientPlanner} retries transient failures and gives up at once on a task that can never
 * be planned. Calls are counted; nothing here asserts on time (the timeout is generous and never
 * reached).
 */
class ResilientPlannerTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private static final TaskSubmission TASK =
      new TaskSubmission("task-1", "why are llamas fluffy?", Instant.parse("2024-05-01T10:00:00Z"));
  private static final List<SagaStep> PLAN =
      List.of(new SagaStep("write", "draft", "", "unpublish"));

  @Test
  void aTransientFailureIsRetriedUntilThePlannerSucceeds() {
    // given: a planner that fails twice, then plans
    var calls = new AtomicInteger();
    Planner flaky =
        task -> {
          if (calls.incrementAndGet() <= 2) {
            throw new IllegalStateException("model unavailable, call " + calls.get());
          }
          return PLAN;
        };
    var planner = new ResilientPlanner(flaky, TIMEOUT, 3);

    // when
    List<SagaStep> plan = planner.plan(TASK);

    // then
    assertThat(plan).isEqualTo(PLAN);
    assertThat(calls).hasValue(3);
  }

  @Test
  void aTaskThatCanNeverBePlannedIsNotRetried() {
    // given
    var calls = new AtomicInteger();
    Planner rejecting =
        task -> {
          calls.incrementAndGet();
          throw new IllegalArgumentException("cannot plan: " + task.taskId());
        };
    var planner = new ResilientPlanner(rejecting, TIMEOUT, 3);

    // when / then
    assertThatThrownBy(() -> planner.plan(TASK))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("cannot plan: task-1");
    assertThat(calls).hasValue(1);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2})
  void aPlannerThatKeepsFailingGivesUpAfterMaxRetriesPlusOneCalls(int maxRetries) {
    // given
    var calls = new AtomicInteger();
    Planner broken =
        task -> {
          throw new IllegalStateException("model unavailable, call " + calls.incrementAndGet());
        };
    var planner = new ResilientPlanner(broken, TIMEOUT, maxRetries);

    // when / then: the last failure propagates as it was thrown
    assertThatThrownBy(() -> planner.plan(TASK))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("model unavailable, call " + (maxRetries + 1));
    assertThat(calls).hasValue(maxRetries + 1);
  }
}
