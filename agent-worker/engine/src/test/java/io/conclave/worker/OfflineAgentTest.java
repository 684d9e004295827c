package io.conclave.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;
import static org.quicktheories.generators.SourceDSL.strings;

import io.conclave.agent.StepRequest;
import io.conclave.agent.StepResult;
import io.conclave.model.crdt.GCounter;
import io.conclave.model.eventlog.Decision;
import io.conclave.model.journal.AgentJournal;
import io.conclave.model.journal.FoldedLog;
import io.conclave.model.knowledge.KnowledgeDelta;
import io.conclave.model.saga.SagaStep;
import io.conclave.models.Digests;
import io.conclave.models.ModelCall;
import io.conclave.models.OfflineModel;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * The offline agent answers without a network; the same history and request always give the same
 * output, and its output shows the state its log folds to.
 */
class OfflineAgentTest {
  private static final Instant NOW = Instant.parse("2024-05-01T10:00:00Z");
  private static final Gen<String> INPUTS =
      strings().basicMultilingualPlaneAlphabet().ofLengthBetween(0, 300);
  private static final SagaStep GATHER =
      new SagaStep("research", "gather", "find sources for: llamas", "discard");

  private static StepRequest request(String input) {
    return new StepRequest("saga-t1", "t1", 0, GATHER, input, 0);
  }

  /** A fresh research agent with an empty log. */
  private static AgentJournal<OfflineAgent.Memory> newJournal() {
    return new AgentJournal<>(
        "research-0", OfflineAgent.FOLD, FoldedLog.empty(OfflineAgent.Memory.EMPTY), 0);
  }

  /** Runs one step of {@code agent} on {@code journal}; returns the decisions it recorded. */
  private static List<Decision> step(
      OfflineAgent agent, AgentJournal<OfflineAgent.Memory> journal, String input) {
    var draft =
        journal.begin(
            new AgentJournal.Origin(Optional.of("saga-t1"), Optional.of(0), NOW, Optional.empty()));
    StepResult result =
        agent.act(
            request(input),
            StepContext.live(
                draft,
                OfflineModel.instant(),
                KnowledgeAccess.ownOnly(java.time.Clock.systemUTC())));
    assertThat(result).isInstanceOf(StepResult.Completed.class);
    return journal.accept(draft);
  }

  private static String output(List<Decision> decisions) {
    return decisions.get(decisions.size() - 1).payload();
  }

  private static String digest(String output) {
    return output.substring(output.indexOf('[') + 1, output.indexOf(']'));
  }

  @Test
  void servesTheTypeItWasCreatedFor() {
    assertThat(new OfflineAgent("research").type()).isEqualTo("research");
  }

  @Test
  void theOutputNamesTypeActionAndStepNumberThenADigestThenTheStepInputAndTheInput() {
    // when
    String out = output(step(new OfflineAgent("research"), newJournal(), "why are llamas fluffy?"));

    // then
    assertThat(out).startsWith("research.gather#1[");
    assertThat(digest(out)).matches("[0-9a-f]{8}");
    assertThat(out).endsWith("]: find sources for: llamas <- why are llamas fluffy?");
  }

  @Test
  void theModelCallAndTheResultAreRecordedInTheLog() {
    // when
    List<Decision> decisions =
        step(new OfflineAgent("research"), newJournal(), "why are llamas fluffy?");

    // then
    // the call, then the step counted in steps.research: the agent's own knowledge, no ledger
    // counter (the call
    // ledger's totals are the projections' fold of the LLM_CALL decisions)
    assertThat(decisions)
        .extracting(Decision::kind)
        .containsExactly(ModelCall.KIND, KnowledgeDelta.DECISION, StepEngine.RESULT_DECISION);
    assertThat(decisions).extracting(Decision::sequence).containsExactly(0L, 1L, 2L);
    assertThat(KnowledgeDelta.of(decisions.get(1)).key()).isEqualTo("steps.research");
    assertThat(KnowledgeDelta.of(decisions.get(1)).delta())
        .isEqualTo(new GCounter(Map.of("research-0", 1L)));
    ModelCall call = ModelCall.of(decisions.get(0));
    assertThat(call.model()).isEqualTo(OfflineModel.NAME);
    assertThat(call.prompt())
        .contains("find sources for: llamas")
        .contains("why are llamas fluffy?");
    assertThat(call.answer()).isEqualTo(OfflineModel.instant().complete(call.prompt()));
    assertThat(decisions.get(0).model()).contains(OfflineModel.NAME);
  }

  @Test
  void theStepNumberAndTheMemoryFollowTheLog() {
    // given
    var agent = new OfflineAgent("research");
    var journal = newJournal();
    String first = output(step(agent, journal, "one"));

    // when
    String second = output(step(agent, journal, "two"));

    // then
    assertThat(second).startsWith("research.gather#2[");
    OfflineAgent.Memory memory = journal.state();
    assertThat(memory.steps()).isEqualTo(2);
    assertThat(memory.modelCalls()).isEqualTo(2);
    assertThat(memory.chain()).isEqualTo(Digests.of(Digests.of("", first), second));
  }

  @Test
  void inputsThatDifferOnlyBeyondTheAbbreviationStillGiveDifferentOutputs() {
    // given: the input is abbreviated to 77 characters + "..." in the output
    String common = "x".repeat(100);

    // when
    String a = output(step(new OfflineAgent("research"), newJournal(), common + "a"));
    String b = output(step(new OfflineAgent("research"), newJournal(), common + "b"));

    // then
    assertThat(a).endsWith("...").isNotEqualTo(b);
    assertThat(digest(a)).isNotEqualTo(digest(b));
  }

  @Test
  void theSameHistoryAndRequestGiveTheSameDecisions() {
    qt().withExamples(1000)
        .forAll(INPUTS, INPUTS)
        .checkAssert(
            (earlier, input) -> {
              // given: two agents with the same history
              var journalA = newJournal();
              var journalB = newJournal();
              step(new OfflineAgent("research"), journalA, earlier);
              step(new OfflineAgent("research"), journalB, earlier);

              // when
              List<Decision> a = step(new OfflineAgent("research"), journalA, input);
              List<Decision> b = step(new OfflineAgent("research"), journalB, input);

              // then: the same, but for how long the model took (a measurement of the machine, not
              // a decision)
              assertThat(withoutLatency(b)).isEqualTo(withoutLatency(a));
              assertThat(journalB.state()).isEqualTo(journalA.state());
            });
  }

  private static List<Decision> withoutLatency(List<Decision> decisions) {
    return decisions.stream()
        .map(
            d ->
                new Decision(
                    d.key(),
                    d.sagaId(),
                    d.stepIndex(),
                    d.kind(),
                    d.payload().replaceAll("\"latencyMs\":\\d+", "\"latencyMs\":0"),
                    d.at(),
                    d.leaderEpoch(),
                    d.model()))
        .toList();
  }

  @Test
  void differentInputsGiveDifferentDigests() {
    qt().withExamples(1000)
        .forAll(INPUTS, INPUTS)
        .checkAssert(
            (a, b) -> {
              // an implication, not assuming(): QuickTheories 0.26 gives up on these string
              // generators after the first
              // rejected pair ("Gave up after finding only 1 example(s)"), and equal pairs are
              // about 1 in 1000 here
              if (a.equals(b)) {
                return;
              }

              // when
              String outA = output(step(new OfflineAgent("research"), newJournal(), a));
              String outB = output(step(new OfflineAgent("research"), newJournal(), b));

              // then
              assertThat(digest(outA)).isNotEqualTo(digest(outB));
            });
  }

  @Test
  void theMemoryEncodingRoundTrips() {
    qt().withExamples(1000)
        .forAll(INPUTS, longs().all(), longs().all())
        .checkAssert(
            (chain, steps, calls) -> {
              // given
              var memory = new OfflineAgent.Memory(steps, calls, chain);

              // when / then
              assertThat(OfflineAgent.FOLD.decode(OfflineAgent.FOLD.encode(memory)))
                  .isEqualTo(memory);
            });
  }
}
