package io.conclave.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.core.AgentJournal;
import io.conclave.core.Decision;
import io.conclave.core.FoldedLog;
import io.conclave.core.KnowledgeDelta;
import io.conclave.core.SagaStep;
import io.conclave.core.Tally;
import io.conclave.crdt.Crdt;
import io.conclave.crdt.HybridClock;
import io.conclave.crdt.PNCounter;
import io.conclave.resilience.CallPolicies;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Every model call is a ledger entry, its tokens and cost are counted as knowledge, and a spent budget stops calls. */
class CallLedgerTest {
  private static final CallLedger.Price GPT = new CallLedger.Price(2_500_000, 10_000_000); // 2.50 and 10.00 a million

  /** A model that reports 1 000 input and 200 output tokens per answer, and counts its calls. */
  private static final class MeteredModel implements LlmClient {
    final AtomicInteger calls = new AtomicInteger();

    @Override
    public String model() {
      return "gpt-test";
    }

    @Override
    public String complete(String prompt) {
      return answer(prompt).text();
    }

    @Override
    public Answer answer(String prompt) {
      calls.incrementAndGet();
      return new Answer("gpt-test", "answer to " + prompt, new Usage(1000, 200, false));
    }
  }


  private static StepRunner.Ran step(LlmClient model, CallLedger ledger, Map<String, Crdt> observed) {
    var journal = new AgentJournal<>("research-0", Tally.FOLD,
        new FoldedLog<>(Tally.EMPTY, 0, 0, 0, Optional.empty(), 0), 0);
    var access = new KnowledgeAccess(new HybridClock(Clock.systemUTC()), key -> Optional.ofNullable(observed.get(key)),
        ledger);
    return StepRunner.run(AskingAgent.INSTANCE, journal, new StepRequest("saga-1", "t1", 0,
            new SagaStep("research", "gather", "x", "discard"), "q", 0),
        new AgentJournal.Origin(Optional.of("saga-1"), Optional.of(0), Instant.EPOCH, Optional.empty()),
        CallPolicies.forStep(Duration.ofSeconds(5), 3, Duration.ofMillis(1)), model, access);
  }

  private static Map<String, Long> counters(StepRunner.Ran ran) {
    Map<String, Long> out = new HashMap<>();
    ran.decisions().stream().filter(d -> d.kind().equals(KnowledgeDelta.DECISION)).map(KnowledgeDelta::of)
        .forEach(d -> out.merge(d.key(), ((PNCounter) d.delta()).value(), Long::sum));
    return out;
  }

  @Test
  void aCallIsRecordedWithItsTokensCostAndLatencyAndCountedPerAgentAndPerSaga() {
    var ledger = new CallLedger(Map.of("gpt-test", GPT), 0);

    StepRunner.Ran ran = step(new MeteredModel(), ledger, Map.of());

    Decision recorded = ran.decisions().get(0);
    ModelCall call = ModelCall.of(recorded);
    assertThat(call.usage()).isEqualTo(new LlmClient.Usage(1000, 200, false));
    assertThat(call.costMicros()).isEqualTo(2_500 + 2_000); // 1000 x 2.50/M + 200 x 10.00/M, in millionths
    assertThat(call.latencyMs()).isNotNegative();
    assertThat(counters(ran)).containsExactlyInAnyOrderEntriesOf(Map.of(
        "ledger.agent.research-0.tokens", 1200L, "ledger.agent.research-0.cost-micros", 4500L,
        "ledger.saga.saga-1.tokens", 1200L, "ledger.saga.saga-1.cost-micros", 4500L));
  }

  @Test
  void aSagaThatHasSpentItsBudgetMakesNoMoreCallsAndItsStepFails() {
    var model = new MeteredModel();
    var ledger = new CallLedger(Map.of("gpt-test", GPT), 5_000);
    // other workers' calls of the saga, as this worker has read them: 5 000 tokens
    var spent = Map.<String, Crdt>of("ledger.saga.saga-1.tokens", PNCounter.EMPTY.increment("write-0", 5_000));

    StepRunner.Ran ran = step(model, ledger, spent);

    assertThat(model.calls).hasValue(0);
    assertThat(ran.result()).isInstanceOf(StepResult.Failed.class);
    assertThat(((StepResult.Failed) ran.result()).reason()).isEqualTo("BudgetExceededException: saga-1 has used 5000 "
        + "tokens, its budget is 5000 (conclave.llm.budget.saga-tokens): no model call made");
  }

  @Test
  void underItsBudgetASagaCallsAndUnpricedModelsCostNothing() {
    var model = new MeteredModel();
    var spent = Map.<String, Crdt>of("ledger.saga.saga-1.tokens", PNCounter.EMPTY.increment("write-0", 4_999));

    StepRunner.Ran ran = step(model, new CallLedger(Map.of(), 5_000), spent);

    assertThat(model.calls).hasValue(1);
    assertThat(ran.result()).isInstanceOf(StepResult.Completed.class);
    assertThat(counters(ran)).doesNotContainKey("ledger.saga.saga-1.cost-micros")
        .containsEntry("ledger.saga.saga-1.tokens", 1200L);
  }

  @Test
  void withoutBodiesOnlyTheHashesOfThePromptAndAnswerAreKept() {
    StepRunner.Ran ran = step(new MeteredModel(), new CallLedger(Map.of(), 0, false), Map.of());

    Decision recorded = ran.decisions().get(0);
    ModelCall call = ModelCall.of(recorded);
    assertThat(call.prompt()).isEqualTo("sha256:" + Digests.sha256("q")).hasSize(7 + 64);
    assertThat(call.answer()).isEqualTo("sha256:" + Digests.sha256("answer to q"));
    assertThat(recorded.payload()).doesNotContain("answer to q");
    assertThat(call.usage().total()).isEqualTo(1200);
  }
}
