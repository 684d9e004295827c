package io.conclave.runtime.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.runtime.loop.LoopHealth;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthResult;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The loops' health as {@code GET /health} shows it: each loop's state, and why it is DOWN. */
class LoopsHealthIndicatorTest {
  private static final LoopHealth.Status LOOP =
      new LoopHealth.Status(
          "worker-research",
          Optional.of(Instant.EPOCH),
          Optional.of(Instant.EPOCH),
          false,
          Duration.ofSeconds(30),
          List.of(1));

  @Test
  void aLoopThatPollsIsUpWithItsPartitionsAndLastPoll() {
    HealthResult result =
        LoopsHealthIndicator.result(
            "loops", LoopHealth.of(List.of(LOOP), Instant.EPOCH.plusSeconds(10)));

    assertThat(result.getStatus()).isEqualTo(HealthStatus.UP);
    assertThat(result.getName()).isEqualTo("loops");
    assertThat(result.getDetails())
        .isEqualTo(
            Map.of(
                "loops",
                List.of(
                    Map.of(
                        "name",
                        "worker-research",
                        "stopped",
                        false,
                        "partitions",
                        List.of(1),
                        "lastPoll",
                        "1970-01-01T00:00:00Z"))));
  }

  @Test
  void aLoopSilentLongerThanItsPollIntervalIsDownWithTheReason() {
    HealthResult result =
        LoopsHealthIndicator.result(
            "loops", LoopHealth.of(List.of(LOOP), Instant.EPOCH.plusSeconds(31)));

    assertThat(result.getStatus()).isEqualTo(HealthStatus.DOWN);
    @SuppressWarnings("unchecked")
    var details = (Map<String, Object>) result.getDetails();
    assertThat((List<?>) details.get("reasons"))
        .singleElement()
        .asString()
        .startsWith("worker-research last polled 31 s ago");
  }
}
