package io.conclave.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.core.Decision;
import io.conclave.core.LeaderStamp;
import io.conclave.core.RoutingSlip;
import io.conclave.core.SagaEvent;
import io.conclave.core.SagaStep;
import io.conclave.core.StepCommand;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/**
 * Laws of {@link StepEngine#after}: an agent's decisions are numbered without gaps, and a saga's events are numbered
 * by {@link SagaEvent.Seq} (the compacted saga-events topic keys them by (sagaId, seq)).
 */
class StepEnginePropertiesTest {
  private static final Instant NOW = Instant.parse("2024-05-01T10:00:00Z");
  private static final LeaderStamp ORIGIN = new LeaderStamp(0, 1);
  private static final String AGENT = "agent-0";

  /** One step to run: a slip of 1..10 steps, a cursor on it, and what the agent answered. */
  record Scenario(int stepCount, int cursor, StepResult result) {}

  @Property
  void decisionSequencesRunFromFirstSeqWithoutGaps(@ForAll("scenarios") Scenario s,
                                                   @ForAll @LongRange(min = 0, max = 1L << 40) long firstSeq) {
    // given
    StepCommand command = commandAt(s.stepCount(), s.cursor());

    // when
    var transition = StepEngine.after(command, s.result(), AGENT, firstSeq, NOW);

    // then
    int k = s.result() instanceof StepResult.Completed c ? c.decisions().size() : 1;
    assertThat(transition.decisions()).extracting(Decision::sequence)
        .containsExactlyElementsOf(LongStream.range(firstSeq, firstSeq + k).boxed().toList());
    assertThat(transition.decisions()).allSatisfy(d -> {
      assertThat(d.agentId()).isEqualTo(AGENT);
      assertThat(d.sagaId()).contains(command.slip().sagaId());
      assertThat(d.stepIndex()).contains(s.cursor());
    });
  }

  @Property
  void sagaEventSeqsAreUniqueAndFollowTheSagaNumbering(@ForAll("scenarios") Scenario s,
                                                       @ForAll @LongRange(min = 0, max = 1L << 40) long firstSeq) {
    // given
    StepCommand command = commandAt(s.stepCount(), s.cursor());

    // when
    var transition = StepEngine.after(command, s.result(), AGENT, firstSeq, NOW);

    // then
    List<SagaEvent> events = transition.events();
    assertThat(events).extracting(SagaEvent::seq).doesNotHaveDuplicates();
    assertThat(events).allSatisfy(e -> assertThat(e.seq()).isEqualTo(expectedSeq(e, s.stepCount())));
    assertThat(events.get(0)).isInstanceOfAny(SagaEvent.StepCompleted.class, SagaEvent.StepFailed.class);
    assertThat(events.get(0).seq()).isEqualTo(SagaEvent.Seq.step(s.cursor()));
    boolean last = s.cursor() == s.stepCount() - 1;
    if (s.result() instanceof StepResult.Failed) {
      assertThat(events).hasSize(2);
      assertThat(events.get(1)).isInstanceOf(SagaEvent.Aborted.class);
      assertThat(transition.next()).isEmpty();
    } else if (last) {
      assertThat(events).hasSize(2);
      assertThat(events.get(1)).isInstanceOf(SagaEvent.Completed.class);
      assertThat(transition.next()).isEmpty();
    } else {
      assertThat(events).hasSize(1);
      assertThat(transition.next()).hasValueSatisfying(next -> {
        assertThat(next.slip().cursor()).isEqualTo(s.cursor() + 1);
        assertThat(next.origin()).isEqualTo(ORIGIN);
      });
    }
  }

  @Property
  void aWholeSagaRunNumbersEveryEventOnceAndEveryDecisionWithoutGaps(
      @ForAll @IntRange(min = 1, max = 10) int stepCount, @ForAll @IntRange(min = 0, max = 10) int failAt,
      @ForAll @IntRange(min = 0, max = 5) int draftsPerStep, @ForAll @LongRange(min = 0, max = 1000) long firstSeq) {
    // given: a saga whose step failAt fails (none fails when failAt >= stepCount), all steps served by one agent
    StepCommand command = commandAt(stepCount, 0);
    long seq = firstSeq;
    List<SagaEvent> events = new ArrayList<>();
    List<Long> decisionSeqs = new ArrayList<>();

    // when: every transition's next command is run in turn
    while (command != null) {
      int cursor = command.slip().cursor();
      StepResult result = cursor == failAt ? new StepResult.Failed("step " + cursor + " failed") : completed(
          "out-" + cursor, draftsPerStep);
      var transition = StepEngine.after(command, result, AGENT, seq, NOW);
      transition.decisions().forEach(d -> decisionSeqs.add(d.sequence()));
      events.addAll(transition.events());
      seq += transition.decisions().size();
      command = transition.next().orElse(null);
    }

    // then
    assertThat(decisionSeqs).containsExactlyElementsOf(LongStream.range(firstSeq, seq).boxed().toList());
    assertThat(events).extracting(SagaEvent::seq).doesNotHaveDuplicates().isSorted();
    assertThat(events).allSatisfy(e -> assertThat(e.seq()).isEqualTo(expectedSeq(e, stepCount)));
    SagaEvent end = events.get(events.size() - 1);
    assertThat(end).isInstanceOf(failAt < stepCount ? SagaEvent.Aborted.class : SagaEvent.Completed.class);
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
    throw new AssertionError("the step engine does not write " + e);
  }

  private static StepCommand commandAt(int stepCount, int cursor) {
    List<SagaStep> steps = IntStream.range(0, stepCount)
        .mapToObj(i -> new SagaStep("type" + i, "act" + i, "input " + i, "undo" + i)).toList();
    return new StepCommand(new RoutingSlip("saga-t1", "t1", steps, cursor), "prompt", 0, ORIGIN, NOW);
  }

  private static StepResult.Completed completed(String output, int drafts) {
    List<StepResult.DecisionDraft> ds = IntStream.range(0, drafts)
        .mapToObj(i -> new StepResult.DecisionDraft(i == 0 ? StepEngine.RESULT_DECISION : "NOTE", output + "#" + i))
        .toList();
    return new StepResult.Completed(output, ds);
  }

  @Provide
  Arbitrary<Scenario> scenarios() {
    Arbitrary<StepResult> results = Arbitraries.oneOf(
        Arbitraries.integers().between(0, 5).map(n -> completed("out", n)),
        Arbitraries.strings().alpha().ofMaxLength(20).map(StepResult.Failed::new));
    return Arbitraries.integers().between(1, 10).flatMap(n ->
        Combinators.combine(Arbitraries.integers().between(0, n - 1), results)
            .as((cursor, result) -> new Scenario(n, cursor, result)));
  }
}
