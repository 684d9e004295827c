package io.conclave.runtime.readers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class TopicReplayTest {
  @Test
  void aRequestReadsEverythingUntilNarrowed() {
    // when
    var all = TopicReplay.Request.of("acme.tasks", LogPosition.beginning());
    var narrowed = all.withPartition(2).withMax(10).withFollow(true);

    // then
    assertThat(all.partition()).isEmpty();
    assertThat(all.max()).isEqualTo(Long.MAX_VALUE);
    assertThat(all.follow()).isFalse();
    assertThat(narrowed)
        .isEqualTo(
            new TopicReplay.Request(
                "acme.tasks", OptionalInt.of(2), LogPosition.beginning(), 10, true));
  }

  @Test
  void aBadPartitionOrMaxIsRejected() {
    // given
    var request = TopicReplay.Request.of("acme.tasks", LogPosition.beginning());

    // when / then
    assertThatThrownBy(() -> request.withPartition(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the partition must be >= 0, was -1");
    assertThatThrownBy(() -> request.withMax(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("max must be >= 1, was 0");
  }
}
