package io.conclave.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * How far a long command is, on standard error: which lines are written, when, and what they say.
 */
class ProgressTest {
  private final ByteArrayOutputStream written = new ByteArrayOutputStream();
  private final SteppedClock clock = new SteppedClock();
  private final Progress progress =
      new Progress(
          new PrintStream(written, true, StandardCharsets.UTF_8),
          clock,
          Duration.ofSeconds(2),
          "replay");

  @Test
  void stepsAreAlwaysWrittenCountsAtMostOncePerIntervalAndOnlyWhenTheyChanged() {
    // when
    progress.count("1 of 10");
    clock.advance(Duration.ofMillis(500));
    progress.count("2 of 10"); // too soon: dropped
    progress.step("partition 0 done");
    clock.advance(Duration.ofMillis(1500));
    progress.count("3 of 10"); // an interval after the last count
    clock.advance(Duration.ofSeconds(5));
    progress.count("3 of 10"); // the same again: nothing new to say
    progress.count("4 of 10");

    // then
    assertThat(lines())
        .containsExactly(
            "replay: 1 of 10", "replay: partition 0 done", "replay: 3 of 10", "replay: 4 of 10");
  }

  @Test
  void aPartSaysWhereItIsWithinTheWhole() {
    // when
    Progress scenario = progress.within("scenario 2 of 6: saga");
    scenario.step("repetition 3 of 5");
    scenario.within("warm-up").step("started");

    // then
    assertThat(lines())
        .containsExactly(
            "replay: scenario 2 of 6: saga: repetition 3 of 5",
            "replay: scenario 2 of 6: saga: warm-up: started");
  }

  @Test
  void fractionsGroupThousandsAndRoundThePercentageDown() {
    assertThat(Progress.fraction(12_400, 50_000, "records"))
        .isEqualTo("12 400 / 50 000 records (24 %)");
    assertThat(Progress.fraction(49_999, 50_000, "records"))
        .isEqualTo("49 999 / 50 000 records (99 %)");
    assertThat(Progress.fraction(7, 5, "records")).isEqualTo("5 / 5 records (100 %)");
    assertThat(Progress.fraction(0, 0, "records")).isEqualTo("0 / 0 records (100 %)");
    assertThat(Progress.number(1_234_567)).isEqualTo("1 234 567");
  }

  private List<String> lines() {
    return written.toString(StandardCharsets.UTF_8).lines().toList();
  }

  /** A clock that moves only when told. */
  private static final class SteppedClock extends Clock {
    private Instant now = Instant.parse("2026-12-03T07:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }
}
