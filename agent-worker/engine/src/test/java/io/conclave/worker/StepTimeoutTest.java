package io.conclave.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A step's attempts fit in its share of the poll interval, whatever its deadline and attempts. */
class StepTimeoutTest {
  @Test
  void theBudgetIsSharedByTheAttemptsWithRoomForBackoffCappedAndCutByTheDeadline() {
    assertThat(WorkerHandler.attemptTimeout(Optional.empty(), 3, Duration.ofSeconds(100)))
        .isEqualTo(Duration.ofSeconds(25));
    assertThat(WorkerHandler.attemptTimeout(Optional.empty(), 1, Duration.ofMinutes(10)))
        .isEqualTo(WorkerHandler.ATTEMPT_TIMEOUT);
    assertThat(
            WorkerHandler.attemptTimeout(
                Optional.of(Duration.ofSeconds(5)), 3, Duration.ofSeconds(100)))
        .isEqualTo(Duration.ofSeconds(5));
    assertThat(WorkerHandler.attemptTimeout(Optional.empty(), 3, Duration.ofSeconds(2)))
        .isEqualTo(Duration.ofMillis(500));
    assertThat(
            WorkerHandler.attemptTimeout(
                Optional.of(Duration.ofSeconds(-1)), 3, Duration.ofSeconds(2)))
        .isEqualTo(Duration.ofMillis(1));
  }

  @Test
  void allAttemptsTogetherStayWithinTheStepBudget() {
    qt().withExamples(1000)
        .forAll(integers().between(1, 100), longs().between(100, 3_600_000))
        .checkAssert(
            (attempts, budgetMs) -> {
              Duration budget = Duration.ofMillis(budgetMs);
              Duration each = WorkerHandler.attemptTimeout(Optional.empty(), attempts, budget);

              assertThat(each.multipliedBy(attempts)).isLessThanOrEqualTo(budget);
              assertThat(each).isPositive();
            });
  }
}
