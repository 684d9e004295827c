package io.conclave.runtime.readers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class LogPositionTest {
  private static final Instant T = Instant.parse("2026-11-24T10:00:00Z");

  @Test
  void anOffsetIsClampedToThePartitionsLog() {
    // given a log whose records 5..19 are still there
    long earliest = 5;
    long latest = 20;

    // then
    assertThat(new LogPosition.Offset(0).in(earliest, latest, null)).isEqualTo(5);
    assertThat(new LogPosition.Offset(12).in(earliest, latest, null)).isEqualTo(12);
    assertThat(new LogPosition.Offset(20).in(earliest, latest, null)).isEqualTo(20);
    assertThat(new LogPosition.Offset(1_000).in(earliest, latest, null)).isEqualTo(20);
    assertThat(LogPosition.beginning().in(earliest, latest, 7L)).isEqualTo(5);
  }

  @Test
  void aTimeIsTheFirstRecordAtOrAfterItOrTheEnd() {
    // then
    assertThat(new LogPosition.Time(T).in(5, 20, 9L)).isEqualTo(9);
    assertThat(new LogPosition.Time(T).in(5, 20, null)).isEqualTo(20);
    assertThat(new LogPosition.Time(T).in(5, 20, -1L))
        .as("Admin.listOffsets answers -1 for none")
        .isEqualTo(20);
  }

  @Test
  void aNegativeOffsetOrNoTimeIsRejected() {
    // when / then
    assertThatThrownBy(() -> new LogPosition.Offset(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the offset must be >= 0, was -1");
    assertThatThrownBy(() -> new LogPosition.Time(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> new LogPosition.Time(Instant.EPOCH.minusMillis(1)))
        .as("-1 would mean the end to Kafka")
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "the time must be at or after 1970-01-01T00:00:00Z, was 1969-12-31T23:59:59.999Z");
    assertThatThrownBy(() -> new LogPosition.Time(Instant.MAX))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("the time is too far in the future");
  }
}
