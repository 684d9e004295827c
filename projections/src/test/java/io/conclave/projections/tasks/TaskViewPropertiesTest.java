package io.conclave.projections.tasks;

import static io.conclave.projections.sagas.SagaHistories.fold;
import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.model.saga.SagaEvent;
import io.conclave.model.saga.SagaState;
import io.conclave.projections.sagas.SagaFold;
import io.conclave.projections.sagas.SagaHistories;
import io.conclave.projections.sagas.SagaHistories.Script;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Laws of the projection's saga fold ({@link SagaFold#apply}, i.e. {@link SagaState#apply}) and of
 * the task view derived from it, over generated histories.
 *
 * <p>Written as seeded JUnit parameterized tests rather than QuickTheories properties. Each case is
 * generated from its seed, shown in the test name, so a failure is replayed by its seed.
 */
class TaskViewPropertiesTest {
  private static final int TRIES = 300;

  static Stream<Long> seeds() {
    return LongStream.range(0, TRIES).boxed();
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void aSagaWhoseStepsAllCompletedFoldsToCompletedWithEveryOutput(long seed) {
    // given
    Random random = new Random(seed);
    Script script = SagaHistories.randomScript(random);
    script = new Script(script.taskId(), script.stepCount(), script.approvals(), -1, script.undo());

    // when
    TaskView view = TaskView.of(fold(script.events()), null);

    // then
    assertThat(view.status()).isEqualTo("COMPLETED");
    assertThat(view.error()).isNull();
    assertThat(view.steps()).hasSize(script.stepCount());
    for (int i = 0; i < script.stepCount(); i++) {
      assertThat(view.steps().get(i).status()).isEqualTo("COMPLETED");
      assertThat(view.steps().get(i).output())
          .isEqualTo(script.approvals().contains(i) ? "approved by alice" : "out " + i);
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void aFailedSagaUndoesEveryStepUpToTheFailureLatestFirstAndEndsCompensatedOrFailed(long seed) {
    // given
    Random random = new Random(seed);
    Script script = SagaHistories.randomScript(random);
    int failAt = random.nextInt(script.stepCount());
    script =
        new Script(script.taskId(), script.stepCount(), script.approvals(), failAt, script.undo());

    // when
    SagaState saga = fold(script.events());
    TaskView view = TaskView.of(saga, null);

    // then
    assertThat(saga.status()).isEqualTo(script.outcome());
    assertThat(view.status()).isEqualTo(script.outcome().name());
    assertThat(saga.compensationOrder()).isEqualTo(script.compensationOrder());
    assertThat(view.error())
        .as("the reason names the failed step")
        .contains("step " + failAt + " ");
    assertThat(view.steps().get(failAt).status()).isEqualTo("FAILED");
    for (int j : script.compensationOrder()) {
      assertThat(saga.steps().get(j).compensation())
          .isIn(SagaState.CompensationStatus.DONE, SagaState.CompensationStatus.PARKED);
    }
    assertThat(view.steps().subList(failAt + 1, script.stepCount()))
        .allSatisfy(s -> assertThat(s.status()).isEqualTo("PENDING"));
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void applyingAnyEventTwiceEqualsApplyingItOnce(long seed) {
    // given: every state the fold goes through, and every event of the history
    List<SagaEvent> events = SagaHistories.random(new Random(seed));
    List<SagaState> states = new ArrayList<>();
    SagaState state = null;
    states.add(state);
    for (SagaEvent e : events) {
      state = SagaFold.apply(state, e);
      states.add(state);
    }

    for (SagaState before : states) {
      for (SagaEvent e : events) {
        // when
        SagaState once = SagaFold.apply(before, e);
        SagaState twice = SagaFold.apply(once, e);

        // then
        assertThat(twice).as("%s applied twice to %s", e, before).isEqualTo(once);
      }
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void aHistoryWithEveryEventDeliveredTwiceFoldsAsTheHistory(long seed) {
    // given
    List<SagaEvent> events = SagaHistories.random(new Random(seed));
    List<SagaEvent> doubled = new ArrayList<>();
    events.forEach(
        e -> {
          doubled.add(e);
          doubled.add(e);
        });

    // when / then
    assertThat(fold(doubled)).isEqualTo(fold(events));
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void replayingFromAnEarlierOffsetChangesNothing(long seed) {
    // given: the events up to j were folded, then the fold restarts from an earlier offset i
    // (at-least-once)
    Random random = new Random(seed);
    List<SagaEvent> events = SagaHistories.random(random);
    int j = random.nextInt(events.size() + 1);
    int i = random.nextInt(j + 1);
    List<SagaEvent> delivered = new ArrayList<>(events.subList(0, j));
    delivered.addAll(events.subList(i, events.size()));

    // when / then
    assertThat(fold(delivered)).isEqualTo(fold(events));
  }
}
