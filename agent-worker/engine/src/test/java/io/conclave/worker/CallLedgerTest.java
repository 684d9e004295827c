package io.conclave.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.conclave.agent.Agent;
import io.conclave.agent.LlmClient;
import io.conclave.agent.StepRequest;
import io.conclave.agent.StepResult;
import io.conclave.agent.chat.ChatRequest;
import io.conclave.agent.chat.ChatResponse;
import io.conclave.agent.chat.Usage;
import io.conclave.model.crdt.HybridClock;
import io.conclave.model.eventlog.Decision;
import io.conclave.model.eventlog.Tally;
import io.conclave.model.journal.AgentJournal;
import io.conclave.model.journal.FoldedLog;
import io.conclave.model.knowledge.KnowledgeDelta;
import io.conclave.model.saga.SagaStep;
import io.conclave.models.CallLedger;
import io.conclave.models.Digests;
import io.conclave.models.ModelCall;
import io.conclave.models.OpenAiChatModel;
import io.conclave.runtime.resilience.CallPolicies;
import io.conclave.testkit.FakeModelServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Every model call is a ledger entry whichever attempt made it, the step's result carries the
 * tokens and cost of all its calls (for its saga event) and no ledger knowledge is written (the
 * projections derive the totals from the log), and a step stays within the tokens its command
 * allows it.
 */
class CallLedgerTest {
  private static final CallLedger.Price GPT =
      new CallLedger.Price(2_500_000, 10_000_000); // 2.50 and 10.00 a million

  /**
   * A model that answers {@code answer to <first message>}, reports 1 000 input and 200 output
   * tokens per answer, and counts its calls.
   */
  static final class MeteredModel implements LlmClient {
    final AtomicInteger calls = new AtomicInteger();

    @Override
    public String model() {
      return "gpt-test";
    }

    @Override
    public ChatResponse chat(ChatRequest request) {
      calls.incrementAndGet();
      return ChatResponse.text(
          "gpt-test",
          "answer to " + request.messages().get(0).content(),
          new Usage(1000, 200, false));
    }
  }

  private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();

  private StepRunner.Ran step(LlmClient model, CallLedger ledger, StepSpending spending) {
    return step(AskingAgent.INSTANCE, model, ledger, spending);
  }

  private StepRunner.Ran step(
      Agent<Tally> agent, LlmClient model, CallLedger ledger, StepSpending spending) {
    var journal = new AgentJournal<>("research-0", Tally.FOLD, FoldedLog.empty(Tally.EMPTY), 0);
    var access =
        new KnowledgeAccess(new HybridClock(Clock.systemUTC()), key -> Optional.empty(), ledger);
    return StepRunner.run(
        agent,
        journal,
        new StepRequest(
            "saga-1", "t1", 0, new SagaStep("research", "gather", "x", "discard"), "q", 0),
        new AgentJournal.Origin(
            Optional.of("saga-1"), Optional.of(0), Instant.EPOCH, Optional.empty()),
        CallPolicies.forStep(Duration.ofSeconds(5), 3, Duration.ofMillis(1)),
        model,
        access,
        spending,
        metrics);
  }

  /**
   * How many steps of the research agent ended with {@code outcome}, as the worker's metrics timed
   * them.
   */
  private long stepsTimed(String outcome) {
    return metrics
        .get("conclave.step")
        .tags("agent_type", "research", "kind", "step", "outcome", outcome)
        .timer()
        .count();
  }

  /** The cost of gpt-test's answers to the research agent, as the worker's metrics counted it. */
  private double costCounted() {
    return metrics
        .get("conclave.model.cost")
        .tags("model", "gpt-test", "agent_type", "research")
        .counter()
        .count();
  }

  private static StepSpending allowance(long tokens) {
    return new StepSpending("acme", OptionalLong.of(tokens), "step 0 of saga-1");
  }

  /** The knowledge the step wrote: the agent's own, none of the ledger's. */
  private static List<Decision> knowledgeWritten(StepRunner.Ran ran) {
    return ran.decisions().stream().filter(d -> d.kind().equals(KnowledgeDelta.DECISION)).toList();
  }

  private static List<ModelCall> calls(StepRunner.Ran ran) {
    return ran.decisions().stream()
        .filter(d -> d.kind().equals(ModelCall.KIND))
        .map(ModelCall::of)
        .toList();
  }

  /**
   * An agent that asks the model, then fails its first attempt: the call was made and paid for all
   * the same.
   */
  private static AskingAgent askThenFailOnce(AtomicInteger attempts) {
    return new AskingAgent(
        (request, context) -> {
          String answer = context.llm().complete(request.input());
          if (attempts.incrementAndGet() == 1) {
            throw new IllegalStateException("lost the answer");
          }
          return new StepResult.Completed(answer);
        });
  }

  @Test
  void
      aCallIsRecordedWithItsTokensCostAndLatencyAndTheStepCarriesThemWithoutWritingLedgerKnowledge() {
    var ledger = new CallLedger(Map.of("gpt-test", GPT), true);

    StepRunner.Ran ran = step(new MeteredModel(), ledger, allowance(10_000));

    Decision recorded = ran.decisions().get(0);
    ModelCall call = ModelCall.of(recorded);
    assertThat(call.usage()).isEqualTo(new Usage(1000, 200, false));
    assertThat(call.costMicros())
        .isEqualTo(2_500 + 2_000); // 1000 x 2.50/M + 200 x 10.00/M, in millionths
    assertThat(call.latencyMs()).isNotNegative();
    assertThat(ran.tokens()).isEqualTo(1200);
    // the figures travel with the step's event; the totals per agent and tenant are folded from the
    // log, not written
    assertThat(ran.costMicros()).isEqualTo(4500);
    assertThat(knowledgeWritten(ran)).isEmpty();
    assertThat(ran.decisions()).extracting(Decision::kind).containsExactly(ModelCall.KIND);
    // the worker's metrics: the same cost, and the step timed once
    assertThat(costCounted()).isEqualTo(4500);
    assertThat(stepsTimed("completed")).isEqualTo(1);
    assertThat(metrics.find("conclave.step").tag("outcome", "failed").timer()).isNull();
  }

  @Test
  void aStepWithoutAllowanceLeftMakesNoCallAndFails() {
    var model = new MeteredModel();

    StepRunner.Ran ran = step(model, CallLedger.FREE, allowance(0));

    assertThat(model.calls).hasValue(0);
    assertThat(ran.tokens()).isZero();
    assertThat(ran.result()).isInstanceOf(StepResult.Failed.class);
    assertThat(((StepResult.Failed) ran.result()).reason())
        .isEqualTo(
            "BudgetExceededException: step 0 of saga-1 may "
                + "spend 0 tokens of its saga's budget (tenant acme); it has spent 0 and the prompt alone is about 1: no model "
                + "call made");
    assertThat(stepsTimed("failed")).isEqualTo(1);
    assertThat(metrics.find("conclave.step").tag("outcome", "completed").timer()).isNull();
  }

  @Test
  void aCallThatTakesTheStepPastItsAllowanceFailsTheStepOnceAndIsRecorded() {
    var model = new MeteredModel();

    StepRunner.Ran ran = step(model, CallLedger.FREE, allowance(1_199));

    assertThat(model.calls).hasValue(1); // not retried: a budget is no transient failure
    assertThat(ran.result()).isInstanceOf(StepResult.Failed.class);
    assertThat(((StepResult.Failed) ran.result()).reason())
        .isEqualTo(
            "BudgetExceededException: step 0 of saga-1 "
                + "spent 1200 tokens, more than the 1199 it may spend of its saga's budget (tenant acme)");
    assertThat(calls(ran)).hasSize(1);
    assertThat(ran.tokens()).isEqualTo(1200);
    assertThat(knowledgeWritten(ran)).isEmpty();
  }

  @Test
  void theCallsOfADiscardedAttemptAreKeptCountedAndSpendTheAllowance() {
    var attempts = new AtomicInteger();

    StepRunner.Ran ran =
        step(askThenFailOnce(attempts), new MeteredModel(), CallLedger.FREE, allowance(5_000));

    assertThat(attempts).hasValue(2);
    assertThat(ran.result()).isInstanceOf(StepResult.Completed.class);
    assertThat(calls(ran)).hasSize(2);
    assertThat(ran.tokens()).isEqualTo(2400);
    // no ledger knowledge, however many calls the step made
    assertThat(knowledgeWritten(ran)).isEmpty();

    // the same step with room for one call only: the retry's call takes it past its allowance
    StepRunner.Ran tight =
        step(
            askThenFailOnce(new AtomicInteger()),
            new MeteredModel(),
            CallLedger.FREE,
            allowance(2_000));
    assertThat(tight.result()).isInstanceOf(StepResult.Failed.class);
    assertThat(calls(tight)).hasSize(2);
    assertThat(tight.tokens()).isEqualTo(2400);
  }

  @Test
  void theCostOfEveryAnsweredCallIsCountedOnceAndTheStepTimedOnceWhateverItsAttempts() {
    var ledger = new CallLedger(Map.of("gpt-test", GPT), true);

    StepRunner.Ran ran =
        step(askThenFailOnce(new AtomicInteger()), new MeteredModel(), ledger, allowance(5_000));

    assertThat(calls(ran)).hasSize(2);
    assertThat(costCounted()).isEqualTo(2 * 4500);
    assertThat(ran.costMicros()).isEqualTo(9000);
    assertThat(knowledgeWritten(ran)).isEmpty();
    assertThat(stepsTimed("completed")).isEqualTo(1);
  }

  @Test
  void aRequestTheAgentRejectsIsTimedAsRejected() {
    var agent =
        new AskingAgent(
            (request, context) -> {
              throw new IllegalArgumentException("never");
            });

    assertThatThrownBy(() -> step(agent, new MeteredModel(), CallLedger.FREE, allowance(5_000)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("never");
    assertThat(stepsTimed("rejected")).isEqualTo(1);
  }

  @Test
  void withoutBodiesOnlyTheHashesOfThePromptAndAnswerAreKept() {
    StepRunner.Ran ran =
        step(new MeteredModel(), new CallLedger(Map.of(), false), StepSpending.unlimited());

    Decision recorded = ran.decisions().get(0);
    ModelCall call = ModelCall.of(recorded);
    assertThat(call.prompt()).isEqualTo("sha256:" + Digests.sha256("q")).hasSize(7 + 64);
    assertThat(call.answer()).isEqualTo("sha256:" + Digests.sha256("answer to q"));
    assertThat(recorded.payload()).doesNotContain("answer to q");
    assertThat(call.usage().total()).isEqualTo(1200);
  }

  @Test
  void aStepWithAnAllowanceSendsMaxTokensNoLargerThanWhatItLeavesOverHttp() throws Exception {
    try (var server = new FakeModelServer()) {
      // each answer: 5 prompt and 2 completion tokens
      var model =
          new OpenAiChatModel(
              server.baseUrl(),
              "gpt-test",
              Optional.empty(),
              Duration.ofSeconds(5),
              Clock.systemUTC());
      // asks for far more than the allowance, then for no limit at all
      var greedy =
          new AskingAgent(
              (request, context) -> {
                context.llm().chat(ChatRequest.prompt(request.input()).withMaxTokens(100_000));
                context.llm().chat(ChatRequest.prompt(request.input()));
                return new StepResult.Completed("done");
              });
      long prompt = Usage.estimate("q", "").inputTokens();

      StepRunner.Ran capped = step(greedy, model, CallLedger.FREE, allowance(1_000));
      StepRunner.Ran free = step(greedy, model, CallLedger.FREE, StepSpending.unlimited());

      assertThat(capped.result()).isEqualTo(new StepResult.Completed("done"));
      List<JsonNode> sent = new ArrayList<>();
      for (FakeModelServer.Request r : server.received()) {
        sent.add(new ObjectMapper().readTree(r.body()));
      }
      // what the allowance leaves: all of it but the prompt, then that less the first call's 7
      assertThat(sent.get(0).path("max_tokens").asLong()).isEqualTo(1_000 - prompt);
      assertThat(sent.get(1).path("max_tokens").asLong()).isEqualTo(1_000 - 7 - prompt);
      assertThat(capped.tokens()).isEqualTo(14);
      // without an allowance, what the agent asks goes as it is
      assertThat(free.result()).isEqualTo(new StepResult.Completed("done"));
      assertThat(sent.get(2).path("max_tokens").asLong()).isEqualTo(100_000);
      assertThat(sent.get(3).has("max_tokens")).isFalse();
    }
  }
}
