package io.conclave.launcher.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A chaos schedule is a function of its seed and duration, and injects every kind of fault. */
class ChaosScheduleTest {
  @Test
  void theSameSeedGivesTheSameSchedule() {
    assertThat(ChaosSchedule.of(42, Duration.ofSeconds(60)))
        .isEqualTo(ChaosSchedule.of(42, Duration.ofSeconds(60)));
    assertThat(ChaosSchedule.of(42, Duration.ofSeconds(60)).faults())
        .isNotEqualTo(ChaosSchedule.of(43, Duration.ofSeconds(60)).faults());
  }

  @Test
  void everyKindIsInjectedEvenInAShortRun() {
    ChaosSchedule schedule = ChaosSchedule.of(7, Duration.ofSeconds(10));
    assertThat(schedule.faults())
        .extracting(ChaosSchedule.Fault::kind)
        .containsExactlyInAnyOrder(ChaosSchedule.Kind.values());
  }

  @Test
  void aLongerRunInjectsMoreFaultsSpacedApart() {
    ChaosSchedule schedule = ChaosSchedule.of(7, Duration.ofMinutes(10));
    assertThat(schedule.faults()).hasSizeGreaterThan(ChaosSchedule.Kind.values().length * 4);
    for (int i = 1; i < schedule.faults().size(); i++) {
      assertThat(schedule.faults().get(i).at().minus(schedule.faults().get(i - 1).at()))
          .isGreaterThanOrEqualTo(ChaosSchedule.SPACING);
    }
    assertThat(schedule.end())
        .isLessThanOrEqualTo(Duration.ofMinutes(10).plus(ChaosSchedule.SPACING));
  }
}
