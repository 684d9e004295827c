package io.conclave.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.model.saga.SagaEvent;
import io.conclave.model.saga.SagaIds;
import io.conclave.model.saga.SagaState;
import io.conclave.model.saga.Spending;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The de-duplication window: an ended saga's task id is refused for the retention, then retired.
 */
class ShardSagasTest {
  private static final Duration RETENTION = Duration.ofHours(24);
  private static final Instant T0 = ShardHistories.T0;

  private final ShardSagas sagas =
      new ShardSagas(RETENTION, new TenantEscrow(TokenBudgets.NONE, 0, 1));

  private static SagaEvent.Started started(String task, Instant at) {
    return new SagaEvent.Started(
        SagaIds.of(task),
        task,
        SagaEvent.Seq.started(),
        ShardHistories.PLAN,
        "p",
        ShardHistories.LEADER,
        at,
        Spending.unlimited("default"));
  }

  private static SagaEvent.Completed completed(String task, Instant at) {
    return new SagaEvent.Completed(SagaIds.of(task), task, SagaEvent.Seq.end(2), at);
  }

  @Test
  void aRunningOrRecentlyEndedTaskIsStartedAndARetiredOneIsNot() {
    sagas.fold(started("a", T0));
    sagas.fold(started("b", T0));
    sagas.fold(completed("a", T0.plusSeconds(10)));

    assertThat(sagas.isStarted("a")).as("ended within the retention").isTrue();
    assertThat(sagas.isStarted("b")).as("running").isTrue();
    assertThat(sagas.isStarted("c")).isFalse();
    assertThat(sagas.runningCount()).isEqualTo(1);
    assertThat(sagas.endedCount()).isEqualTo(1);

    // one second short of the retention: still refused
    assertThat(sagas.retire(T0.plusSeconds(10).plus(RETENTION).minusSeconds(1))).isZero();
    assertThat(sagas.isStarted("a")).isTrue();

    // the retention has passed: a is forgotten, b runs on whatever its age
    assertThat(sagas.retire(T0.plusSeconds(10).plus(RETENTION))).isEqualTo(1);
    assertThat(sagas.isStarted("a")).isFalse();
    assertThat(sagas.isStarted("b")).isTrue();
    assertThat(sagas.endedCount()).isZero();
  }

  @Test
  void aStartReadAgainWithinTheRetentionStartsNothingAndAfterItStartsANewSaga() {
    sagas.fold(started("a", T0));
    sagas.fold(completed("a", T0.plusSeconds(1)));

    assertThat(sagas.fold(started("a", T0.plusSeconds(2))))
        .as("submitted again within the retention")
        .isEmpty();
    assertThat(sagas.runningCount()).isZero();

    sagas.retire(T0.plusSeconds(1).plus(RETENTION));
    assertThat(sagas.fold(started("a", T0.plus(RETENTION).plusSeconds(5))))
        .hasValueSatisfying(s -> assertThat(s.status()).isEqualTo(SagaState.Status.RUNNING));
    assertThat(sagas.isStarted("a")).isTrue();
  }

  @Test
  void aLateEventOfAnEndedSagaChangesNothingAndTheStateHoldsOnlyLiveSagasAndEndedTaskIds() {
    sagas.fold(started("a", T0));
    sagas.fold(completed("a", T0.plusSeconds(1)));
    int size = sagas.size();

    assertThat(
            sagas.fold(
                new SagaEvent.StepCompleted(
                    SagaIds.of("a"),
                    "a",
                    SagaEvent.Seq.step(0),
                    0,
                    "research",
                    "late",
                    T0.plusSeconds(2),
                    5,
                    0)))
        .isEmpty();
    assertThat(sagas.size()).isEqualTo(size).isEqualTo(1); // the ended task id, no events
  }

  @Test
  void anEventReadTwiceIsKeptOnce() {
    SagaEvent.Started start = started("a", T0);
    sagas.fold(start);
    sagas.fold(start);

    assertThat(sagas.checkpoint(0, 1, 0, T0, 0).live()).containsExactly(start);
  }
}
