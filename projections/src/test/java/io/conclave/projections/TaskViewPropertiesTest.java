package io.conclave.projections;

import static io.conclave.projections.SagaHistories.fold;
import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.core.SagaEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Laws of the saga fold {@link TaskView#apply} over generated histories.
 *
 * <p>Written as seeded JUnit parameterized tests, not jqwik properties: the projections module has no jqwik test
 * dependency (see projections/pom.xml). Each case is generated from its seed, shown in the test name, so a failure
 * is replayed by its seed.
 */
class TaskViewPropertiesTest {
  private static final int TRIES = 300;

  static Stream<Long> seeds() {
    return LongStream.range(0, TRIES).boxed();
  }

  private static String taskOf(List<SagaEvent> events) {
    return events.get(0).taskId();
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void aSagaWhoseStepsAllCompletedFoldsToCompletedWithEveryOutput(long seed) {
    // given
    int stepCount = 1 + new Random(seed).nextInt(10);
    List<SagaEvent> events = SagaHistories.completed("task-" + seed, stepCount);

    // when
    TaskView view = fold("task-" + seed, events);

    // then
    assertThat(view.status()).isEqualTo(TaskView.COMPLETED);
    assertThat(view.steps()).hasSize(stepCount);
    for (int i = 0; i < stepCount; i++) {
      assertThat(view.steps().get(i).status()).isEqualTo(StepView.COMPLETED);
      assertThat(view.steps().get(i).output()).isEqualTo("out " + i);
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void anAbortedSagaFoldsToAbortedWithTheReasonAsError(long seed) {
    // given
    Random random = new Random(seed);
    int stepCount = 1 + random.nextInt(10);
    int failAt = random.nextInt(stepCount);
    List<SagaEvent> events = SagaHistories.history("task-" + seed, stepCount, failAt);
    var aborted = (SagaEvent.Aborted) events.stream().filter(SagaEvent.Aborted.class::isInstance).findFirst()
        .orElseThrow();

    // when
    TaskView view = fold("task-" + seed, events);

    // then
    assertThat(view.status()).isEqualTo(TaskView.ABORTED);
    assertThat(view.error()).isEqualTo(aborted.reason());
    assertThat(view.steps().get(failAt).status()).isEqualTo(StepView.FAILED);
    assertThat(view.steps().subList(0, failAt)).allSatisfy(s -> assertThat(s.status()).isEqualTo(StepView.COMPENSATED));
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void applyingAnyEventTwiceEqualsApplyingItOnce(long seed) {
    // given: every state the fold goes through, and every event of the history
    Random random = new Random(seed);
    List<SagaEvent> events = SagaHistories.random(random);
    List<TaskView> states = new ArrayList<>();
    TaskView view = TaskView.empty(taskOf(events));
    states.add(view);
    for (SagaEvent e : events) {
      view = view.apply(e);
      states.add(view);
    }

    for (TaskView state : states) {
      for (SagaEvent e : events) {
        // when
        TaskView once = state.apply(e);
        TaskView twice = once.apply(e);

        // then
        assertThat(twice).as("%s applied twice to %s", e, state).isEqualTo(once);
      }
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void aHistoryWithEveryEventDeliveredTwiceFoldsAsTheHistory(long seed) {
    // given
    List<SagaEvent> events = SagaHistories.random(new Random(seed));
    List<SagaEvent> doubled = new ArrayList<>();
    events.forEach(e -> {
      doubled.add(e);
      doubled.add(e);
    });

    // when / then
    assertThat(fold(taskOf(events), doubled)).isEqualTo(fold(taskOf(events), events));
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void replayingFromAnEarlierOffsetChangesNothing(long seed) {
    // given: the events up to j were folded, then the fold restarts from an earlier offset i (at-least-once)
    Random random = new Random(seed);
    List<SagaEvent> events = SagaHistories.random(random);
    int j = random.nextInt(events.size() + 1);
    int i = random.nextInt(j + 1);
    List<SagaEvent> delivered = new ArrayList<>(events.subList(0, j));
    delivered.addAll(events.subList(i, events.size()));

    // when / then
    assertThat(fold(taskOf(events), delivered)).isEqualTo(fold(taskOf(events), events));
  }
}
