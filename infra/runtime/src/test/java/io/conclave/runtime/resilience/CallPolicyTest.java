package io.conclave.runtime.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CallPolicyTest {
  private static final CallPolicy P =
      new CallPolicy(
          Duration.ofSeconds(1),
          5,
          Duration.ofMillis(100),
          Duration.ofMillis(700),
          Duration.ofSeconds(10),
          2,
          4,
          Duration.ofSeconds(5),
          1,
          2,
          0,
          Duration.ZERO);

  @Test
  void theBackoffDoublesUpToItsCapAndTheServiceRetryAfterWins() {
    var failure = new ServiceUnavailableException("down", null);

    assertThat(P.delayAfter(failure, 1, 1.0)).isEqualTo(Duration.ofMillis(100));
    assertThat(P.delayAfter(failure, 2, 1.0)).isEqualTo(Duration.ofMillis(200));
    assertThat(P.delayAfter(failure, 3, 1.0)).isEqualTo(Duration.ofMillis(400));
    assertThat(P.delayAfter(failure, 4, 1.0)).isEqualTo(Duration.ofMillis(700));
    assertThat(P.delayAfter(failure, 60, 1.2)).isEqualTo(Duration.ofMillis(840));
    assertThat(P.delayAfter(failure, 2, 0.8)).isEqualTo(Duration.ofMillis(160));
    assertThat(
            P.delayAfter(
                new RateLimitedException("slow", Optional.of(Duration.ofSeconds(3))), 1, 1.2))
        .isEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void failuresSayWhetherTryingAgainCanHelp() {
    assertThat(new ServiceUnavailableException("x", null).retryable()).isTrue();
    assertThat(new RateLimitedException("x", Optional.empty()).retryable()).isTrue();
    assertThat(new CallRejectedException(400, "x").retryable()).isFalse();
    assertThat(new MalformedAnswerException("x", null).retryable()).isFalse();
  }

  @Test
  void nonsenseIsRefusedWithItsReason() {
    assertThatThrownBy(
            () ->
                new CallPolicy(
                    Duration.ZERO,
                    1,
                    Duration.ofMillis(1),
                    Duration.ofMillis(1),
                    Duration.ZERO,
                    1,
                    1,
                    Duration.ofSeconds(1),
                    1,
                    1,
                    0,
                    Duration.ZERO))
        .hasMessage("timeout must be positive, was PT0S");
    assertThatThrownBy(
            () ->
                new CallPolicy(
                    Duration.ofSeconds(1),
                    1,
                    Duration.ofMillis(1),
                    Duration.ofMillis(1),
                    Duration.ZERO,
                    3,
                    2,
                    Duration.ofSeconds(1),
                    1,
                    1,
                    0,
                    Duration.ZERO))
        .hasMessageContaining("breakerFailures (>= 1) of the last breakerWindow");
    assertThatThrownBy(
            () ->
                new CallPolicy(
                    Duration.ofSeconds(1),
                    1,
                    Duration.ofMillis(5),
                    Duration.ofMillis(1),
                    Duration.ZERO,
                    1,
                    1,
                    Duration.ofSeconds(1),
                    1,
                    1,
                    0,
                    Duration.ZERO))
        .hasMessageContaining("maxBackoff");
  }
}
