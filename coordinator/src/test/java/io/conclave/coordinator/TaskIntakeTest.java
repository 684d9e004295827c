package io.conclave.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;
import static org.quicktheories.generators.SourceDSL.strings;

import io.conclave.model.cluster.TaskSubmission;
import io.conclave.model.eventlog.DecisionKey;
import io.conclave.model.eventlog.Tally;
import io.conclave.model.journal.AgentJournal;
import io.conclave.model.journal.FoldedLog;
import io.conclave.model.saga.LeaderStamp;
import io.conclave.model.saga.RoutingSlip;
import io.conclave.model.saga.Saga;
import io.conclave.model.saga.SagaEvent;
import io.conclave.model.saga.SagaStep;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * {@link TaskIntake#start} is a pure decider: what a shard leader writes when it starts a task's
 * saga.
 */
class TaskIntakeTest {
  private static final Instant SUBMITTED_AT = Instant.parse("2024-05-01T10:00:00Z");
  private static final Instant NOW = Instant.parse("2024-05-01T10:00:02Z");
  private static final TaskSubmission TASK =
      new TaskSubmission("task-42", "why are llamas fluffy?", SUBMITTED_AT);
  private static final LeaderStamp LEADER = new LeaderStamp(3, 7);
  private static final DecisionKey KEY = new DecisionKey("planner-3", 11);

  private static final List<Character> LETTERS =
      chars("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ");
  private static final List<Character> ID_CHARS =
      chars("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.");
  private static final Gen<String> TASK_IDS = textOf(ID_CHARS, 1, TaskSubmission.MAX_ID_LENGTH);
  private static final Gen<String> PROMPTS =
      strings()
          .basicMultilingualPlaneAlphabet()
          .ofLengthBetween(1, 200)
          .assuming(s -> !s.isBlank());
  private static final Gen<String> WORDS = textOf(LETTERS, 1, 10);
  private static final Gen<List<SagaStep>> PLANS =
      lists()
          .of(
              WORDS.zip(
                  WORDS,
                  strings().basicMultilingualPlaneAlphabet().ofLengthBetween(0, 30),
                  WORDS,
                  SagaStep::new))
          .ofSizeBetween(1, 6);

  /** The leader's shard and epoch, and where its planner's log ends. */
  private record Leading(int shard, long epoch, long sequence) {}

  private static final Gen<Leading> LEADINGS =
      integers()
          .between(0, 63)
          .zip(
              longs().between(0, Long.MAX_VALUE),
              longs().between(0, Long.MAX_VALUE - 1),
              Leading::new);

  private static List<Character> chars(String alphabet) {
    return alphabet.chars().mapToObj(c -> (char) c).toList();
  }

  /**
   * Strings of {@code alphabet}, built from a list of picks so that they shrink in length and
   * towards its start.
   */
  private static Gen<String> textOf(List<Character> alphabet, int minLength, int maxLength) {
    return lists()
        .of(Generate.pick(alphabet))
        .ofSizeBetween(minLength, maxLength)
        .map(cs -> cs.stream().map(String::valueOf).collect(Collectors.joining()));
  }

  /** The planner of a shard whose log ends at {@code next}. */
  private static AgentJournal<Tally> planner(String agentId, long next) {
    return new AgentJournal<>(
        agentId, Tally.FOLD, new FoldedLog<>(Tally.EMPTY, next, 0, 0, Optional.empty(), 0), 0);
  }

  @Test
  void theSagaIdFollowsFromTheTaskId() {
    // when / then
    assertThat(TaskIntake.sagaIdOf("task-42")).isEqualTo("saga-task-42");
  }

  @Test
  void startedIsTheFirstEventOfTheSagaWithThePlanAndTheLeaderStamp() {
    // given
    List<SagaStep> plan = new OfflinePlanner().plan(TASK);

    // when
    TaskIntake.SagaStart start =
        TaskIntake.start(TASK, plan, LEADER, planner(KEY.agentId(), KEY.sequence()), NOW);

    // then
    assertThat(start.started())
        .isEqualTo(
            new SagaEvent.Started(
                "saga-task-42",
                "task-42",
                SagaEvent.Seq.started(),
                plan,
                "why are llamas fluffy?",
                LEADER,
                NOW));
    assertThat(start.started().seq()).isZero();
  }

  @Test
  void thePlanIsRecordedAsTheLeadersDecision() {
    // given
    List<SagaStep> plan = new OfflinePlanner().plan(TASK);

    // when
    TaskIntake.SagaStart start =
        TaskIntake.start(TASK, plan, LEADER, planner(KEY.agentId(), KEY.sequence()), NOW);

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

  @Test
  void theFirstCommandRunsTheFirstStepOnThePrompt() {
    // given
    List<SagaStep> plan = new OfflinePlanner().plan(TASK);

    // when
    TaskIntake.SagaStart start =
        TaskIntake.start(TASK, plan, LEADER, planner(KEY.agentId(), KEY.sequence()), NOW);

    // then
    assertThat(start.moves().commands()).hasSize(1);
    var first = start.moves().commands().get(0);
    assertThat(first.slip())
        .isEqualTo(RoutingSlip.start("saga-task-42", "task-42", "why are llamas fluffy?", plan));
    assertThat(first.slip().cursor()).isZero();
    assertThat(first.step()).isEqualTo(plan.get(0));
    assertThat(first.input()).isEqualTo("why are llamas fluffy?");
    assertThat(first.attempt()).isZero();
    assertThat(first.origin()).isEqualTo(LEADER);
    assertThat(first.issuedAt()).isEqualTo(NOW);
  }

  @Test
  void aParallelStageIsDispatchedAtOnceAndDescribedInParentheses() {
    // given
    List<SagaStep> plan =
        Saga.step("research", "gather", "discard")
            .parallel(
                Saga.branch("analysis", "analyze", "retract"),
                Saga.branch("write", "outline", "drop"))
            .approval("sign-off")
            .build()
            .steps();

    // when
    TaskIntake.SagaStart start =
        TaskIntake.start(TASK, plan, LEADER, planner(KEY.agentId(), KEY.sequence()), NOW);

    // then
    assertThat(start.decision().payload())
        .isEqualTo("research.gather -> (analysis.analyze | write.outline) -> approval.sign-off");
    assertThat(start.moves().commands()).extracting(c -> c.slip().cursor()).containsExactly(0);
  }

  @Test
  void aSagaThatStartsWithAnApprovalWaitsForIt() {
    // given
    List<SagaStep> plan =
        Saga.approval("go-ahead").step("write", "draft", "unpublish").build().steps();

    // when
    TaskIntake.SagaStart start =
        TaskIntake.start(TASK, plan, LEADER, planner(KEY.agentId(), KEY.sequence()), NOW);

    // then
    assertThat(start.moves().commands()).isEmpty();
    assertThat(start.moves().events())
        .hasSize(2)
        .element(1)
        .isEqualTo(new SagaEvent.ApprovalRequested("saga-task-42", "task-42", 0, NOW));
  }

  @Test
  void aOneStepPlanIsDescribedWithoutArrows() {
    // given
    List<SagaStep> plan = List.of(new SagaStep("write", "draft", "", "unpublish"));

    // when
    TaskIntake.SagaStart start =
        TaskIntake.start(TASK, plan, LEADER, planner(KEY.agentId(), KEY.sequence()), NOW);

    // then
    assertThat(start.decision().payload()).isEqualTo("write.draft");
    assertThat(start.moves().commands().get(0).slip().isLastStep()).isTrue();
  }

  @Test
  void startIsDeterministic() {
    qt().withExamples(300)
        .forAll(TASK_IDS, PROMPTS, PLANS, LEADINGS)
        .checkAssert(
            (taskId, prompt, plan, leading) -> {
              int shard = leading.shard();
              long epoch = leading.epoch();
              long sequence = leading.sequence();

              // given
              var task = new TaskSubmission(taskId, prompt, SUBMITTED_AT);
              var leader = new LeaderStamp(shard, epoch);

              // when
              TaskIntake.SagaStart once =
                  TaskIntake.start(task, plan, leader, planner("planner-" + shard, sequence), NOW);
              TaskIntake.SagaStart again =
                  TaskIntake.start(
                      new TaskSubmission(taskId, prompt, SUBMITTED_AT),
                      List.copyOf(plan),
                      new LeaderStamp(shard, epoch),
                      planner("planner-" + shard, sequence),
                      NOW);

              // then
              assertThat(again).isEqualTo(once);
              assertThat(once.started().sagaId()).isEqualTo("saga-" + taskId);
              assertThat(once.decision().sagaId()).isEqualTo(Optional.of("saga-" + taskId));
              assertThat(once.moves().commands().get(0).slip().sagaId())
                  .isEqualTo("saga-" + taskId);
              assertThat(once.moves().commands().get(0).input()).isEqualTo(prompt);
              assertThat(once.decision().key())
                  .isEqualTo(new DecisionKey("planner-" + shard, sequence));
            });
  }

  @Test
  void thePlanIsThePlannersNextDecisionAndCountsInItsState() {
    // given
    var planner = planner("planner-3", 11);

    // when
    TaskIntake.start(TASK, new OfflinePlanner().plan(TASK), LEADER, planner, NOW);
    TaskIntake.SagaStart second =
        TaskIntake.start(
            new TaskSubmission("task-43", "and alpacas?", SUBMITTED_AT),
            new OfflinePlanner().plan(TASK),
            LEADER,
            planner,
            NOW);

    // then
    assertThat(second.decision().key()).isEqualTo(new DecisionKey("planner-3", 12));
    assertThat(planner.nextSequence()).isEqualTo(13);
    assertThat(planner.state().count(TaskIntake.PLAN_DECISION)).isEqualTo(2);
  }
}
