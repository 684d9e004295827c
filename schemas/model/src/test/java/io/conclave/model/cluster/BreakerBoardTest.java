package io.conclave.model.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.model.cluster.BreakerStateChanged.State;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** An agent type takes no calls when every breaker reported for it is open, and only then. */
class BreakerBoardTest {
  private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

  private static BreakerStateChanged report(String worker, String type, State to) {
    return new BreakerStateChanged(
        "model:gpt/" + type, worker, List.of(type), State.CLOSED, to, T0);
  }

  @Test
  void aTypeIsUnavailableOnlyWhileEveryOneOfItsBreakersIsOpen() {
    BreakerBoard board = BreakerBoard.EMPTY.with(report("w1", "write", State.OPEN));
    assertThat(board.unavailable("write")).isTrue();
    assertThat(board.unavailable("research")).as("nothing reported: dispatch as usual").isFalse();

    // another worker's breaker of the type is closed: its calls go through
    BreakerBoard two = board.with(report("w2", "write", State.CLOSED));
    assertThat(two.unavailable("write")).isFalse();
    assertThat(two.with(report("w2", "write", State.OPEN)).unavailable("write")).isTrue();
    // a half-open breaker takes a probe
    assertThat(
            two.with(report("w2", "write", State.HALF_OPEN))
                .with(report("w1", "write", State.OPEN))
                .unavailable("write"))
        .isFalse();
  }

  @Test
  void aStoppedWorkersBreakerIsForgottenAndTheLatestReportOfAKeyWins() {
    BreakerBoard board =
        BreakerBoard.EMPTY
            .with(report("w1", "write", State.OPEN))
            .with(report("w2", "write", State.CLOSED));

    assertThat(board.without("w2/model:gpt/write").unavailable("write")).isTrue();
    assertThat(
            board.without("w1/model:gpt/write").without("w2/model:gpt/write").unavailable("write"))
        .isFalse();
    assertThat(
            board
                .with(report("w1", "write", State.CLOSED))
                .without("w2/model:gpt/write")
                .unavailable("write"))
        .isFalse();
    assertThat(board.without("nobody")).isSameAs(board);
  }
}
