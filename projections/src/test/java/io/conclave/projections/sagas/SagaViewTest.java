package io.conclave.projections.sagas;

import static io.conclave.projections.sagas.SagaHistories.LEADER;
import static io.conclave.projections.sagas.SagaHistories.PROMPT;
import static io.conclave.projections.sagas.SagaHistories.at;
import static io.conclave.projections.sagas.SagaHistories.fold;
import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.model.saga.Saga;
import io.conclave.model.saga.SagaDefinition;
import io.conclave.model.saga.SagaDefinitions;
import io.conclave.model.saga.SagaEvent;
import io.conclave.model.saga.SagaState;
import io.conclave.projections.sagas.SagaHistories.Script;
import io.micronaut.serde.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What {@code GET /sagas/{id}} ({@link SagaView}) and {@code GET /sagas} ({@link SagaSummary}) show
 * of a state.
 */
class SagaViewTest {
  private static final String TASK = "task-9";
  private static final String SAGA = "saga-task-9";

  /** research, then analysis and fact-check in parallel, an editor's approval, then write. */
  private static final SagaDefinition PLAN =
      Saga.step("research", "gather", "discard")
          .timeout(Duration.ofMinutes(2))
          .parallel(
              Saga.branch("analysis", "analyze", "retract"),
              Saga.branch("fact-check", "verify", "forget"))
          .approval("editor")
          .step("write", "draft", "unpublish")
          .build();

  /**
   * The fact check fails; once the stage is joined, fact-check is undone, undoing analysis fails
   * three times and is parked, research is undone, and the saga ends.
   */
  private static List<SagaEvent> failingHistory() {
    List<SagaEvent> e = new ArrayList<>();
    e.add(new SagaEvent.Started(SAGA, TASK, 0, PLAN.steps(), PROMPT, LEADER, at(0)));
    e.add(new SagaEvent.StepCompleted(SAGA, TASK, 1, 0, "research", "notes", at(1)));
    e.add(new SagaEvent.StepCompleted(SAGA, TASK, 2, 1, "analysis", "analysis", at(2)));
    e.add(new SagaEvent.StepFailed(SAGA, TASK, 3, 2, "fact-check", "unverifiable", at(3)));
    e.add(new SagaEvent.Joined(SAGA, TASK, 1, at(4)));
    e.add(
        new SagaEvent.Compensated(
            SAGA, TASK, SagaEvent.Seq.compensated(5, 2), 2, "fact-check", at(5)));
    for (int attempt = 1; attempt <= 3; attempt++) {
      e.add(
          new SagaEvent.CompensationFailed(
              SAGA, TASK, 1, "analysis", attempt, "timeout " + attempt, at(5 + 2 * attempt)));
      if (attempt < 3) {
        e.add(
            new SagaEvent.CompensationRetried(
                SAGA, TASK, 1, "analysis", attempt + 1, at(6 + 2 * attempt)));
      }
    }
    e.add(new SagaEvent.CompensationParked(SAGA, TASK, 1, "analysis", 3, "timeout 3", at(12)));
    e.add(
        new SagaEvent.Compensated(
            SAGA, TASK, SagaEvent.Seq.compensated(5, 0), 0, "research", at(13)));
    e.add(
        new SagaEvent.Aborted(
            SAGA, TASK, 6, "step 2 (fact-check.verify) failed: unverifiable", at(14)));
    return e;
  }

  @Test
  void aRunningSagaShowsItsPlanAndWhereEachStepIs() {
    // given: research completed, the parallel stage runs
    SagaState saga = fold(failingHistory().subList(0, 2));

    // when
    SagaView view = SagaView.of(saga);

    // then
    assertThat(view.sagaId()).isEqualTo(SAGA);
    assertThat(view.taskId()).isEqualTo(TASK);
    assertThat(view.status()).isEqualTo("RUNNING");
    assertThat(view.prompt()).isEqualTo(PROMPT);
    assertThat(view.plan()).isEqualTo(SagaDefinitions.toTree(PLAN));
    assertThat(view.shard()).isEqualTo(LEADER.shard());
    assertThat(view.steps())
        .extracting(SagaView.Step::status)
        .containsExactly("COMPLETED", "RUNNING", "RUNNING", "PENDING", "PENDING");
    assertThat(view.steps())
        .extracting(SagaView.Step::parallel)
        .containsExactly(false, false, true, false, false);
    assertThat(view.steps().get(0).deadline()).isEqualTo(at(0).plus(Duration.ofMinutes(2)));
    assertThat(view.steps().get(0).finishedAt()).isEqualTo(at(1));
    assertThat(view.steps().get(1).dispatchedAt()).isEqualTo(at(1));
    assertThat(view.steps()).allSatisfy(s -> assertThat(s.compensation()).isNull());
    assertThat(view.compensations()).isEmpty();
    assertThat(view.durationMs()).isNull();
    assertThat(SagaSummary.of(saga))
        .isEqualTo(new SagaSummary(SAGA, TASK, "RUNNING", at(0), null, 1, null));
  }

  @Test
  void aCompensatingSagaShowsTheOrderOfItsCompensationsAndHowEachGoes() {
    // given: fact-check undone, the first attempt to undo analysis failed
    SagaState saga = fold(failingHistory().subList(0, 7));

    // when
    SagaView view = SagaView.of(saga);

    // then
    assertThat(view.status()).isEqualTo("COMPENSATING");
    assertThat(view.reason()).contains("step 2").contains("unverifiable");
    assertThat(view.compensations())
        .containsExactly(
            new SagaView.Compensation(2, "fact-check", "forget", "DONE"),
            new SagaView.Compensation(1, "analysis", "retract", "FAILED"),
            new SagaView.Compensation(0, "research", "discard", "PENDING"));
    assertThat(view.steps().get(1).compensation())
        .isEqualTo(new SagaView.StepCompensation("retract", "FAILED", 1, "timeout 1", at(7)));
    assertThat(SagaSummary.of(saga).failedStep()).isEqualTo(2);
  }

  @Test
  void anEndedSagaShowsWhichCompensationsWereDoneOrParkedAndHowLongItTook() {
    // when
    SagaState saga = fold(failingHistory());
    SagaView view = SagaView.of(saga);

    // then
    assertThat(view.status()).isEqualTo("FAILED");
    assertThat(view.compensations())
        .extracting(SagaView.Compensation::status)
        .containsExactly("DONE", "PARKED", "DONE");
    assertThat(view.steps().get(1).compensation())
        .isEqualTo(new SagaView.StepCompensation("retract", "PARKED", 3, "timeout 3", at(12)));
    assertThat(view.steps().get(3).compensation()).as("an approval has nothing to undo").isNull();
    assertThat(view.endedAt()).isEqualTo(at(14));
    assertThat(view.durationMs()).isEqualTo(14_000L);
    assertThat(SagaSummary.of(saga))
        .isEqualTo(new SagaSummary(SAGA, TASK, "FAILED", at(0), at(14), null, 2));
  }

  @Test
  void anApprovalStepShowsTheHumanDecision() {
    // given: step 1 is approved by alice, the leader has not acted on it yet
    List<SagaEvent> events = new Script(TASK, 3, Set.of(1), -1, Map.of()).events();

    // when
    SagaView view = SagaView.of(fold(events.subList(0, 4)));

    // then
    assertThat(view.status()).isEqualTo("AWAITING_APPROVAL");
    assertThat(view.steps().get(1).status()).isEqualTo("AWAITING_APPROVAL");
    assertThat(view.steps().get(1).approval())
        .isEqualTo(new SagaState.Approval(true, "alice", "", at(3)));
  }

  @Test
  void theViewIsWrittenAsJsonWithThePlanInTheDefinitionFormat() throws IOException {
    // given
    SagaView view = SagaView.of(fold(failingHistory()));

    // when
    String json = ObjectMapper.getDefault().writeValueAsString(view);

    // then
    assertThat(json)
        .contains(
            "\"sagaId\":\"saga-task-9\"",
            "\"status\":\"FAILED\"",
            "\"durationMs\":14000",
            "{\"approval\":\"editor\"",
            "\"parallel\":[{\"agentType\":\"analysis\"",
            "\"compensation\":{\"action\":\"retract\",\"status\":\"PARKED\",\"attempt\":3",
            "{\"step\":1,\"agentType\":\"analysis\",\"action\":\"retract\",\"status\":\"PARKED\"}");
    assertThat(ObjectMapper.getDefault().writeValueAsString(SagaSummary.of(fold(failingHistory()))))
        .isEqualTo(
            "{\"sagaId\":\"saga-task-9\",\"taskId\":\"task-9\",\"status\":\"FAILED\","
                + "\"startedAt\":\"2024-05-01T10:00:00Z\",\"endedAt\":\"2024-05-01T10:00:14Z\",\"failedStep\":2}");
  }

  @Test
  void aSagaWhoseStartWasNotSeenHasNoPlan() {
    // given: a rebuild from a time after the saga started saw only its end
    SagaState saga = fold(List.of(new SagaEvent.Completed(SAGA, TASK, 6, at(9))));

    // when
    SagaView view = SagaView.of(saga);

    // then
    assertThat(view.status()).isEqualTo("COMPLETED");
    assertThat(view.plan()).isNull();
    assertThat(view.steps()).isEmpty();
    assertThat(view.endedAt()).isEqualTo(at(9));
    assertThat(view.durationMs()).isNull();
  }
}
