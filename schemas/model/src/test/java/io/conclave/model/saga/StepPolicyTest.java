package io.conclave.model.saga;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A policy's durations are bounded, so that a client's saga cannot overflow a deadline or a backoff
 * downstream.
 */
class StepPolicyTest {
  @Test
  void theLongestTimeoutAndBackoffStillMakeADeadlineAndAWait() {
    // given
    StepPolicy p =
        new StepPolicy(StepPolicy.MAX_TIMEOUT, StepPolicy.MAX_ATTEMPTS, StepPolicy.MAX_BACKOFF);

    // then
    assertThat(Instant.parse("2026-01-01T00:00:00Z").plus(p.timeout()))
        .isEqualTo("2027-01-01T00:00:00Z");
    assertThat(p.backoffAfter(StepPolicy.MAX_ATTEMPTS)).isEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void aLongerTimeoutOrBackoffIsRejected() {
    assertThatThrownBy(() -> StepPolicy.DEFAULT.withTimeout(StepPolicy.MAX_TIMEOUT.plusMillis(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("timeout must be between 0 and 365 days");
    assertThatThrownBy(
            () -> StepPolicy.DEFAULT.withRetries(3, StepPolicy.MAX_BACKOFF.plusMillis(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("backoff must be between 0 and 1 hour");
  }

  @Test
  void aSagaDefinitionNamesTheStepOfATimeoutThatIsTooLong() {
    // given: this one used to overflow the step's deadline in the fold
    Map<String, Object> tree =
        Map.of(
            "steps",
            List.of(
                Map.of(
                    "agentType",
                    "x",
                    "action",
                    "y",
                    "compensation",
                    "z",
                    "timeout",
                    "PT2562047788015215H")));

    // then
    assertThatThrownBy(() -> SagaDefinitions.fromTree(tree))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("steps[0].timeout must be between 0 and 365 days");
  }
}
