package io.conclave.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/** A step's attempts fit in its share of the poll interval, whatever its deadline and attempts. */
class StepTimeoutTest {
  @Test
  void theBudgetIsSharedByTheAttemptsWithRoomForBackoffCappedAndCutByTheDeadline() {
    assertThat(WorkerHandler.attemptTimeout(Optional.empty(), 3, Duration.ofSeconds(100)))
        .isEqualTo(Duration.ofSeconds(25));
    assertThat(WorkerHandler.attemptTimeout(Optional.empty(), 1, Duration.ofMinutes(10)))
        .isEqualTo(WorkerHandler.ATTEMPT_TIMEOUT);
    assertThat(WorkerHandler.attemptTimeout(Optional.of(Duration.ofSeconds(5)), 3, Duration.ofSeconds(100)))
        .isEqualTo(Duration.ofSeconds(5));
    assertThat(WorkerHandler.attemptTimeout(Optional.empty(), 3, Duration.ofSeconds(2)))
        .isEqualTo(Duration.ofMillis(500));
    assertThat(WorkerHandler.attemptTimeout(Optional.of(Duration.ofSeconds(-1)), 3, Duration.ofSeconds(2)))
        .isEqualTo(Duration.ofMillis(1));
  }

  @Property
  void allAttemptsTogetherStayWithinTheStepBudget(@ForAll @IntRange(min = 1, max = 100) int attempts,
                                                 @ForAll @LongRange(min = 100, max = 3_600_000) long budgetMs) {
    Duration budget = Duration.ofMillis(budgetMs);
    Duration each = WorkerHandler.attemptTimeout(Optional.empty(), attempts, budget);

    assertThat(each.multipliedBy(attempts)).isLessThanOrEqualTo(budget);
    assertThat(each).isPositive();
  }
}
