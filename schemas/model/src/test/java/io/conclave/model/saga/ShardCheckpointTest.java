package io.conclave.model.saga;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ShardCheckpointTest {
  private static final Instant T0 = Instant.parse("2026-12-07T10:00:00Z");

  private static ShardCheckpoint checkpoint(int sagas, int endedTasks) {
    List<SagaEvent> live = new ArrayList<>();
    for (int i = 0; i < sagas; i++) {
      live.add(
          new SagaEvent.Started(
              "saga-l" + i,
              "l" + i,
              0,
              List.of(new SagaStep("research", "gather", "", "d")),
              new LeaderStamp(2, 5),
              T0));
    }
    List<ShardCheckpoint.Ended> ended = new ArrayList<>();
    for (int i = 0; i < endedTasks; i++) {
      ended.add(new ShardCheckpoint.Ended("e" + i, T0.plusSeconds(i)));
    }
    return ShardCheckpoint.whole(2, 5, 9, T0, 1234, Map.of("acme", 77L), live, ended);
  }

  @Test
  void aCheckpointSplitIntoPartsOfBoundedSizeJoinsBackAsItWas() {
    ShardCheckpoint whole = checkpoint(300, 5_000);

    List<ShardCheckpoint> parts = whole.split(16 * 1024);

    // parts are filled up to the size: as many as the content needs, give or take one
    long content =
        whole.live().stream().mapToLong(e -> e.toString().length()).sum()
            + whole.ended().stream().mapToLong(e -> e.taskId().length() + 16L).sum();
    assertThat(parts)
        .hasSizeBetween((int) (content / (16 * 1024)), (int) (content / (16 * 1024)) + 2);
    assertThat(parts).allSatisfy(p -> assertThat(p.parts()).isEqualTo(parts.size()));
    assertThat(ShardCheckpoint.join(parts)).isEqualTo(whole);
    // read back in any order: the part numbers say where each goes
    assertThat(ShardCheckpoint.join(reversed(parts))).isEqualTo(whole);
  }

  @Test
  void aCheckpointMissingAPartIsRefused() {
    List<ShardCheckpoint> parts = checkpoint(300, 5_000).split(16 * 1024);

    assertThatThrownBy(() -> ShardCheckpoint.join(parts.subList(1, parts.size())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("has " + (parts.size() - 1) + " of its");
  }

  @Test
  void aSmallCheckpointIsOnePart() {
    assertThat(checkpoint(2, 3).split(256 * 1024)).hasSize(1).first().isEqualTo(checkpoint(2, 3));
  }

  private static List<ShardCheckpoint> reversed(List<ShardCheckpoint> parts) {
    List<ShardCheckpoint> r = new ArrayList<>(parts);
    java.util.Collections.reverse(r);
    return r;
  }
}
