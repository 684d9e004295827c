package io.conclave.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeExecutor;
import dev.failsafe.RetryPolicy;
import io.conclave.agent.StepRequest;
import io.conclave.agent.StepResult;
import io.conclave.model.eventlog.Decision;
import io.conclave.model.eventlog.Tally;
import io.conclave.model.journal.AgentJournal;
import io.conclave.model.journal.FoldedLog;
import io.conclave.model.saga.CompensateCommand;
import io.conclave.model.saga.LeaderStamp;
import io.conclave.model.saga.RoutingSlip;
import io.conclave.model.saga.SagaEvent;
import io.conclave.model.saga.SagaStep;
import io.conclave.model.saga.StepCommand;
import io.conclave.models.OfflineModel;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * Laws of a worker's step ({@link StepRunner} then {@link StepEngine#after}): an agent's decisions
 * are numbered without gaps, whatever attempts failed on the way, and a saga's events are numbered
 * by {@link SagaEvent.Seq} (the compacted saga-events topic keys them by (sagaId, seq)).
 */
class StepEnginePropertiesTest {
  private static final Instant NOW = Instant.parse("2024-05-01T10:00:00Z");
  private static final LeaderStamp ORIGIN = new LeaderStamp(0, 1);
  private static final String AGENT = "scripted-0";

  /** One step to run: a slip of 1..10 steps, a cursor on it, and what the agent does. */
  record Scenario(
      int stepCount, int cursor, int decisions, int transientFailures, StepResult result) {}

  private static final int MAX_RETRIES = 2;

  private static final List<Character> LETTERS =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
          .chars()
          .mapToObj(c -> (char) c)
          .toList();
  private static final Gen<String> ALPHA =
      lists()
          .of(Generate.pick(LETTERS))
          .ofSizeBetween(0, 20)
          .map(cs -> cs.stream().map(String::valueOf).collect(Collectors.joining()));
  private static final Gen<StepResult> COMPLETED = ALPHA.map(StepResult.Completed::new);
  private static final Gen<StepResult> FAILED = ALPHA.map(StepResult.Failed::new);
  private static final Gen<Scenario> SCENARIOS =
      integers()
          .between(1, 10)
          .flatMap(
              n ->
                  integers()
                      .between(0, n - 1)
                      .zip(
                          integers().between(0, 5),
                          integers().between(0, MAX_RETRIES + 1),
                          Generate.oneOf(COMPLETED, FAILED),
                          (cursor, decisions, failures, result) ->
                              new Scenario(n, cursor, decisions, failures, result)));

  @Test
  void decisionSequencesRunFromTheLogsEndWithoutGaps() {
    qt().withExamples(1000)
        .forAll(SCENARIOS, longs().between(0, 1L << 40))
        .checkAssert(
            (s, firstSeq) -> {
              // given
              StepCommand command = commandAt(s.stepCount(), s.cursor());
              AgentJournal<Tally> journal = journalAt(firstSeq);

              // when
              var ran =
                  run(
                      command,
                      journal,
                      new ScriptedAgent(s.decisions(), s.transientFailures(), s.result()));

              // then: only the attempt that answered counts; a failed step ends with its failure
              // decision
              boolean failed = ran.result() instanceof StepResult.Failed;
              boolean answered = s.transientFailures() <= MAX_RETRIES;
              int k = (answered ? s.decisions() : 0) + (failed ? 1 : 0);
              assertThat(ran.decisions())
                  .extracting(Decision::sequence)
                  .containsExactlyElementsOf(
                      LongStream.range(firstSeq, firstSeq + k).boxed().toList());
              assertThat(journal.nextSequence()).isEqualTo(firstSeq + k);
              assertThat(ran.decisions())
                  .allSatisfy(
                      d -> {
                        assertThat(d.agentId()).isEqualTo(AGENT);
                        assertThat(d.sagaId()).contains(command.slip().sagaId());
                        assertThat(d.stepIndex()).contains(s.cursor());
                      });
              // no decision of an attempt that threw survives: the agent's own decisions are all
              // the last call's
              String lastCall = "call " + (s.transientFailures() + 1) + " #";
              assertThat(ran.decisions())
                  .filteredOn(d -> !d.kind().equals(StepEngine.FAILURE_DECISION))
                  .allSatisfy(d -> assertThat(d.payload()).startsWith(lastCall));
              if (failed) {
                assertThat(ran.decisions().get(ran.decisions().size() - 1).kind())
                    .isEqualTo(StepEngine.FAILURE_DECISION);
              }
            });
  }

  @Test
  void sagaEventSeqsAreUniqueAndFollowTheSagaNumbering() {
    qt().withExamples(1000)
        .forAll(SCENARIOS)
        .checkAssert(
            s -> {
              // given
              StepCommand command = commandAt(s.stepCount(), s.cursor());
              var ran =
                  run(
                      command,
                      journalAt(0),
                      new ScriptedAgent(s.decisions(), s.transientFailures(), s.result()));

              // when
              var transition =
                  StepEngine.after(
                      command, ran.result(), ran.decisions(), ran.tokens(), ran.costMicros(), NOW);

              // then
              List<SagaEvent> events = transition.moves().events();
              assertThat(events).extracting(SagaEvent::seq).doesNotHaveDuplicates();
              assertThat(events)
                  .allSatisfy(e -> assertThat(e.seq()).isEqualTo(expectedSeq(e, s.stepCount())));
              assertThat(events.get(0))
                  .isInstanceOfAny(SagaEvent.StepCompleted.class, SagaEvent.StepFailed.class);
              assertThat(events.get(0).seq()).isEqualTo(SagaEvent.Seq.step(s.cursor()));
              boolean last = s.cursor() == s.stepCount() - 1;
              if (ran.result() instanceof StepResult.Failed) {
                // the failed step and every one before it are undone, latest first, one after the
                // other
                assertThat(events).hasSize(1);
                assertThat(transition.moves().commands()).isEmpty();
                assertThat(transition.moves().compensations())
                    .singleElement()
                    .satisfies(
                        c -> {
                          assertThat(c.stepIndex()).isEqualTo(s.cursor());
                          assertThat(c.remaining())
                              .containsExactlyElementsOf(
                                  IntStream.iterate(s.cursor() - 1, i -> i >= 0, i -> i - 1)
                                      .boxed()
                                      .toList());
                          assertThat(c.origin()).isEqualTo(ORIGIN);
                        });
              } else if (last) {
                assertThat(events).hasSize(2);
                assertThat(events.get(1)).isInstanceOf(SagaEvent.Completed.class);
                assertThat(transition.moves().commands()).isEmpty();
              } else {
                assertThat(events).hasSize(1);
                assertThat(transition.moves().commands())
                    .singleElement()
                    .satisfies(
                        next -> {
                          assertThat(next.slip().cursor()).isEqualTo(s.cursor() + 1);
                          assertThat(next.origin()).isEqualTo(ORIGIN);
                        });
              }
            });
  }

  @Test
  void aWholeSagaRunNumbersEveryEventOnceAndEveryDecisionWithoutGaps() {
    qt().withExamples(1000)
        .forAll(
            integers().between(1, 10),
            integers().between(0, 10),
            integers().between(0, 5),
            longs().between(0, 1000))
        .checkAssert(
            (stepCount, failAt, decisionsPerStep, firstSeq) -> {
              // given: a saga whose step failAt fails (none fails when failAt >= stepCount), all
              // steps served by one agent
              StepCommand command = commandAt(stepCount, 0);
              AgentJournal<Tally> journal = journalAt(firstSeq);
              List<SagaEvent> events = new ArrayList<>();
              List<Long> decisionSeqs = new ArrayList<>();

              // when: every transition's next command (then every compensation) is run in turn
              CompensateCommand undo = null;
              while (command != null) {
                int cursor = command.slip().cursor();
                StepResult result =
                    cursor == failAt
                        ? new StepResult.Failed("step " + cursor + " failed")
                        : new StepResult.Completed("out-" + cursor);
                var ran = run(command, journal, new ScriptedAgent(decisionsPerStep, 0, result));
                var transition =
                    StepEngine.after(
                        command,
                        ran.result(),
                        ran.decisions(),
                        ran.tokens(),
                        ran.costMicros(),
                        NOW);
                transition.decisions().forEach(d -> decisionSeqs.add(d.sequence()));
                events.addAll(transition.moves().events());
                command = transition.moves().commands().stream().findFirst().orElse(null);
                undo = transition.moves().compensations().stream().findFirst().orElse(undo);
              }
              List<Integer> undone = new ArrayList<>();
              while (undo != null) {
                undone.add(undo.stepIndex());
                var transition =
                    StepEngine.afterCompensation(
                        undo, new StepResult.Completed("undone"), List.of(), NOW);
                events.addAll(transition.moves().events());
                undo = transition.moves().compensations().stream().findFirst().orElse(null);
              }

              // then
              assertThat(decisionSeqs)
                  .containsExactlyElementsOf(
                      LongStream.range(firstSeq, journal.nextSequence()).boxed().toList());
              assertThat(events).extracting(SagaEvent::seq).doesNotHaveDuplicates();
              assertThat(undone)
                  .as("compensated latest first")
                  .containsExactlyElementsOf(
                      failAt < stepCount
                          ? IntStream.iterate(failAt, i -> i >= 0, i -> i - 1).boxed().toList()
                          : List.of());
              assertThat(events)
                  .allSatisfy(e -> assertThat(e.seq()).isEqualTo(expectedSeq(e, stepCount)));
              SagaEvent end = events.get(events.size() - 1);
              assertThat(end)
                  .isInstanceOf(
                      failAt < stepCount ? SagaEvent.Aborted.class : SagaEvent.Completed.class);
            });
  }

  private static StepRunner.Ran run(
      StepCommand command, AgentJournal<Tally> journal, ScriptedAgent agent) {
    // the production policies' shape (retry transient failures, never an IllegalArgumentException),
    // without delays
    FailsafeExecutor<StepResult> policies =
        Failsafe.with(
            RetryPolicy.<StepResult>builder()
                .handle(RuntimeException.class)
                .abortOn(IllegalArgumentException.class)
                .withMaxRetries(MAX_RETRIES)
                .build());
    var slip = command.slip();
    var request =
        new StepRequest(
            slip.sagaId(), slip.taskId(), slip.cursor(), command.step(), command.input(), 0);
    var origin =
        new AgentJournal.Origin(
            Optional.of(slip.sagaId()), Optional.of(slip.cursor()), NOW, Optional.empty());
    return StepRunner.run(
        agent,
        journal,
        request,
        origin,
        policies,
        OfflineModel.instant(),
        KnowledgeAccess.ownOnly(java.time.Clock.systemUTC()));
  }

  private static AgentJournal<Tally> journalAt(long nextSequence) {
    return new AgentJournal<>(
        AGENT,
        Tally.FOLD,
        new FoldedLog<>(Tally.EMPTY, nextSequence, 0, 0, Optional.empty(), 0),
        0);
  }

  private static long expectedSeq(SagaEvent e, int stepCount) {
    if (e instanceof SagaEvent.StepCompleted c) {
      return SagaEvent.Seq.step(c.stepIndex());
    }
    if (e instanceof SagaEvent.StepFailed f) {
      return SagaEvent.Seq.step(f.stepIndex());
    }
    if (e instanceof SagaEvent.Completed || e instanceof SagaEvent.Aborted) {
      return SagaEvent.Seq.end(stepCount);
    }
    if (e instanceof SagaEvent.Compensated c) {
      return SagaEvent.Seq.compensated(stepCount, c.stepIndex());
    }
    throw new AssertionError("the step engine does not write " + e);
  }

  private static StepCommand commandAt(int stepCount, int cursor) {
    List<SagaStep> steps =
        IntStream.range(0, stepCount)
            .mapToObj(i -> new SagaStep("type" + i, "act" + i, "input " + i, "undo" + i))
            .toList();
    return new StepCommand(
        new RoutingSlip("saga-t1", "t1", steps, cursor), "prompt", 0, ORIGIN, NOW);
  }
}
