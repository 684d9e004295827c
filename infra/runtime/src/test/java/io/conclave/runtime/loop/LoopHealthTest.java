package io.conclave.runtime.loop;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** When a process's loops count as alive for a liveness probe. */
class LoopHealthTest {
  private static final Instant T0 = Instant.parse("2026-12-03T10:00:00Z");
  private static final Duration INTERVAL = Duration.ofSeconds(30);

  @Test
  void loopsThatPollWithinTheirPollIntervalAreUp() {
    var polling = status("worker-research", Optional.of(T0.plusSeconds(20)), false);
    var warmingUp = status("worker-analysis", Optional.empty(), false);

    assertThat(LoopHealth.of(List.of(polling, warmingUp), T0.plusSeconds(25)))
        .isEqualTo(new LoopHealth.Up(List.of(polling, warmingUp)));
    assertThat(LoopHealth.of(List.of(), T0)).isInstanceOf(LoopHealth.Up.class);
  }

  @Test
  void aStoppedSilentOrUnstartedLoopIsDownAndSaysWhy() {
    var stopped = status("worker-a", Optional.of(T0), true);
    var silent = status("worker-b", Optional.of(T0), false);
    var stuckWarmingUp = status("worker-c", Optional.empty(), false);
    var notStarted =
        new LoopHealth.Status(
            "worker-d", Optional.empty(), Optional.empty(), false, INTERVAL, List.of());
    var fine = status("worker-e", Optional.of(T0.plusSeconds(40)), false);

    assertThat(
            LoopHealth.of(
                List.of(stopped, silent, stuckWarmingUp, notStarted, fine), T0.plusSeconds(45)))
        .isInstanceOfSatisfying(
            LoopHealth.Down.class,
            down ->
                assertThat(down.reasons())
                    .containsExactly(
                        "worker-a has stopped",
                        "worker-b last polled 45 s ago, more than max.poll.interval.ms (30 s)",
                        "worker-c has not polled since its start 45 s ago, more than max.poll.interval.ms (30 s)",
                        "worker-d has not started"));
    // exactly the interval is still within it
    assertThat(LoopHealth.of(List.of(silent), T0.plus(INTERVAL))).isInstanceOf(LoopHealth.Up.class);
  }

  private static LoopHealth.Status status(
      String name, Optional<Instant> lastPoll, boolean stopped) {
    return new LoopHealth.Status(name, Optional.of(T0), lastPoll, stopped, INTERVAL, List.of(0, 2));
  }
}
