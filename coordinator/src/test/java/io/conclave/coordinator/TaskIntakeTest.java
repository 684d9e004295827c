package io.conclave.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.core.AgentJournal;
import io.conclave.core.DecisionKey;
import io.conclave.core.FoldedLog;
import io.conclave.core.LeaderStamp;
import io.conclave.core.RoutingSlip;
import io.conclave.core.Saga;
import io.conclave.core.SagaEvent;
import io.conclave.core.SagaStep;
import io.conclave.core.Tally;
import io.conclave.core.TaskSubmission;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/** {@link TaskIntake#start} is a pure decider: what a shard leader writes when it starts a task's saga. */
class TaskIntakeTest {
  private static final Instant SUBMITTED_AT = Instant.parse("2024-05-01T10:00:00Z");
  private static final Instant NOW = Instant.parse("2024-05-01T10:00:02Z");
  private static final TaskSubmission TASK = new TaskSubmission("task-42", "why are llamas fluffy?", SUBMITTED_AT);
  private static final LeaderStamp LEADER = new LeaderStamp(3, 7);
  private static final DecisionKey KEY = new DecisionKey("planner-3", 11);

  /** The planner of a shard whose log ends at {@code next}. */
  private static AgentJournal<Tally> planner(String agentId, long next) {
    return new AgentJournal<>(agentId, Tally.FOLD, new FoldedLog<>(Tally.EMPTY, next, 0, 0, Optional.empty(), 0), 0);
  }

  @Example
  void theSagaIdFollowsFromTheTaskId() {
    // when / then
    assertThat(TaskIntake.sagaIdOf("task-42")).isEqualTo("saga-task-42");
  }

  @Example
  void startedIsTheFirstEventOfTheSagaWithThePlanAndTheLeaderStamp() {
    // given
    List<SagaStep> plan = new OfflinePlanner().plan(TASK);

    // when
    TaskIntake.SagaStart start = TaskIntake.start(TASK, plan, LEADER, planner(KEY.agentId(), KEY.sequence()), NOW);

    // then
    assertThat(start.started()).isEqualTo(
        new SagaEvent.Started("saga-task-42", "task-42", SagaEvent.Seq.started(), plan, "why are llamas fluffy?",
            LEADER, NOW));
    assertThat(start.started().seq()).isZero();
  }

  @Example
  void thePlanIsRecordedAsTheLeadersDecision() {
    // given
    List<SagaStep> plan = new OfflinePlanner().plan(TASK);

    // when
    TaskIntake.SagaStart start = TaskIntake.start(TASK, plan, LEADER, planner(KEY.agentId(), KEY.sequence()), NOW);

    // then
    var decision = start.decision();
    assertThat(decision.key()).isEqualTo(KEY);
    assertThat(decision.kind()).isEqualTo(TaskIntake.PLAN_DECISION).isEqualTo("PLAN");
    assertThat(decision.sagaId()).contains("saga-task-42");
    assertThat(decision.stepIndex()).isEmpty();
    assertThat(decision.leaderEpoch()).contains(7L);
    assertThat(decision.payload()).isEqualTo("research.gather -> analysis.analyze -> write.draft");
    assertThat(decision.at()).isEqualTo(NOW);
  }

  @Example
  void theFirstCommandRunsTheFirstStepOnThePrompt() {
    // given
    List<SagaStep> plan = new OfflinePlanner().plan(TASK);

    // when
    TaskIntake.SagaStart start = TaskIntake.start(TASK, plan, LEADER, planner(KEY.agentId(), KEY.sequence()), NOW);

    // then
    assertThat(start.moves().commands()).hasSize(1);
    var first = start.moves().commands().get(0);
    assertThat(first.slip()).isEqualTo(RoutingSlip.start("saga-task-42", "task-42", "why are llamas fluffy?", plan));
    assertThat(first.slip().cursor()).isZero();
    assertThat(first.step()).isEqualTo(plan.get(0));
    assertThat(first.input()).isEqualTo("why are llamas fluffy?");
    assertThat(first.attempt()).isZero();
    assertThat(first.origin()).isEqualTo(LEADER);
    assertThat(first.issuedAt()).isEqualTo(NOW);
  }

  @Example
  void aParallelStageIsDispatchedAtOnceAndDescribedInParentheses() {
    // given
    List<SagaStep> plan = Saga.step("research", "gather", "discard")
        .parallel(Saga.branch("analysis", "analyze", "retract"), Saga.branch("write", "outline", "drop"))
        .approval("sign-off").build().steps();

    // when
    TaskIntake.SagaStart start = TaskIntake.start(TASK, plan, LEADER, planner(KEY.agentId(), KEY.sequence()), NOW);

    // then
    assertThat(start.decision().payload())
        .isEqualTo("research.gather -> (analysis.analyze | write.outline) -> approval.sign-off");
    assertThat(start.moves().commands()).extracting(c -> c.slip().cursor()).containsExactly(0);
  }

  @Example
  void aSagaThatStartsWithAnApprovalWaitsForIt() {
    // given
    List<SagaStep> plan = Saga.approval("go-ahead").step("write", "draft", "unpublish").build().steps();

    // when
    TaskIntake.SagaStart start = TaskIntake.start(TASK, plan, LEADER, planner(KEY.agentId(), KEY.sequence()), NOW);

    // then
    assertThat(start.moves().commands()).isEmpty();
    assertThat(start.moves().events()).hasSize(2).element(1)
        .isEqualTo(new SagaEvent.ApprovalRequested("saga-task-42", "task-42", 0, NOW));
  }

  @Example
  void aOneStepPlanIsDescribedWithoutArrows() {
    // given
    List<SagaStep> plan = List.of(new SagaStep("write", "draft", "", "unpublish"));

    // when
    TaskIntake.SagaStart start = TaskIntake.start(TASK, plan, LEADER, planner(KEY.agentId(), KEY.sequence()), NOW);

    // then
    assertThat(start.decision().payload()).isEqualTo("write.draft");
    assertThat(start.moves().commands().get(0).slip().isLastStep()).isTrue();
  }

  @Property(tries = 300)
  void startIsDeterministic(@ForAll("taskIds") String taskId, @ForAll("prompts") String prompt,
                            @ForAll("plans") List<SagaStep> plan,
                            @ForAll @IntRange(min = 0, max = 63) int shard,
                            @ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long epoch,
                            @ForAll @LongRange(min = 0, max = Long.MAX_VALUE - 1) long sequence) {
    // given
    var task = new TaskSubmission(taskId, prompt, SUBMITTED_AT);
    var leader = new LeaderStamp(shard, epoch);

    // when
    TaskIntake.SagaStart once = TaskIntake.start(task, plan, leader, planner("planner-" + shard, sequence), NOW);
    TaskIntake.SagaStart again = TaskIntake.start(
        new TaskSubmission(taskId, prompt, SUBMITTED_AT), List.copyOf(plan), new LeaderStamp(shard, epoch),
        planner("planner-" + shard, sequence), NOW);

    // then
    assertThat(again).isEqualTo(once);
    assertThat(once.started().sagaId()).isEqualTo("saga-" + taskId);
    assertThat(once.decision().sagaId()).isEqualTo(Optional.of("saga-" + taskId));
    assertThat(once.moves().commands().get(0).slip().sagaId()).isEqualTo("saga-" + taskId);
    assertThat(once.moves().commands().get(0).input()).isEqualTo(prompt);
    assertThat(once.decision().key()).isEqualTo(new DecisionKey("planner-" + shard, sequence));
  }

  @Example
  void thePlanIsThePlannersNextDecisionAndCountsInItsState() {
    // given
    var planner = planner("planner-3", 11);

    // when
    TaskIntake.start(TASK, new OfflinePlanner().plan(TASK), LEADER, planner, NOW);
    TaskIntake.SagaStart second = TaskIntake.start(new TaskSubmission("task-43", "and alpacas?", SUBMITTED_AT),
        new OfflinePlanner().plan(TASK), LEADER, planner, NOW);

    // then
    assertThat(second.decision().key()).isEqualTo(new DecisionKey("planner-3", 12));
    assertThat(planner.nextSequence()).isEqualTo(13);
    assertThat(planner.state().count(TaskIntake.PLAN_DECISION)).isEqualTo(2);
  }

  @Provide
  Arbitrary<String> taskIds() {
    return Arbitraries.strings().alpha().numeric().withChars('-', '_', '.')
        .ofMinLength(1).ofMaxLength(TaskSubmission.MAX_ID_LENGTH);
  }

  @Provide
  Arbitrary<String> prompts() {
    return Arbitraries.strings().ofMinLength(1).ofMaxLength(200).filter(s -> !s.isBlank());
  }

  @Provide
  Arbitrary<List<SagaStep>> plans() {
    Arbitrary<String> words = Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(10);
    Arbitrary<SagaStep> steps = Combinators.combine(words, words, Arbitraries.strings().ofMaxLength(30), words)
        .as(SagaStep::new);
    return steps.list().ofMinSize(1).ofMaxSize(6);
  }
}
