package io.conclave.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.conclave.agent.Agent;
import io.conclave.agent.AgentContext;
import io.conclave.agent.StepRequest;
import io.conclave.agent.StepResult;
import io.conclave.agent.chat.ChatMessage;
import io.conclave.agent.chat.ChatRequest;
import io.conclave.agent.chat.ChatResponse;
import io.conclave.agent.chat.Tool;
import io.conclave.agent.chat.ToolCall;
import io.conclave.model.cluster.RedrivenStep;
import io.conclave.model.eventlog.Decision;
import io.conclave.model.eventlog.StateFold;
import io.conclave.model.journal.AgentJournal;
import io.conclave.model.journal.FoldedLog;
import io.conclave.model.saga.SagaStep;
import io.conclave.models.ModelCall;
import io.conclave.models.OfflineModel;
import io.conclave.models.OpenAiChatModel;
import io.conclave.testkit.FakeModelServer;
import io.conclave.testkit.FakeModelServer.Reply;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/**
 * Re-driving a recorded step: the recorded state and answers (a re-drive has no model to call), no
 * side effects.
 */
class RedriveTest {
  private static final Instant NOW = Instant.parse("2024-05-01T10:00:00Z");
  private static final SagaStep GATHER =
      new SagaStep("research", "gather", "find sources", "discard");
  private static final FoldedLog<OfflineAgent.Memory> EMPTY_LOG =
      FoldedLog.empty(OfflineAgent.Memory.EMPTY);

  /**
   * A research agent with the offline agent's state, acting as {@code act} says: another version of
   * it.
   */
  private static Agent<OfflineAgent.Memory> researchAgent(
      BiFunction<StepRequest, AgentContext<OfflineAgent.Memory>, StepResult> act) {
    return new Agent<>() {
      @Override
      public String type() {
        return "research";
      }

      @Override
      public StateFold<OfflineAgent.Memory> fold() {
        return OfflineAgent.FOLD;
      }

      @Override
      public StepResult act(StepRequest request, AgentContext<OfflineAgent.Memory> context) {
        return act.apply(request, context);
      }
    };
  }

  /** Runs the offline agent live for two steps and returns the recording of the second one. */
  private static Redrive.RecordedStep recordSecondStep(List<Decision> log) {
    var journal = new AgentJournal<>("research-0", OfflineAgent.FOLD, EMPTY_LOG, 0);
    var agent = new OfflineAgent("research");
    String output = null;
    for (int i = 0; i < 2; i++) {
      var draft =
          journal.begin(
              new AgentJournal.Origin(
                  Optional.of("saga-" + i), Optional.of(0), NOW, Optional.empty()));
      output =
          ((StepResult.Completed)
                  agent.act(
                      new StepRequest("saga-" + i, "t" + i, 0, GATHER, "question " + i, 0),
                      StepContext.live(
                          draft,
                          new OfflineModel(java.time.Duration.ZERO),
                          KnowledgeAccess.ownOnly(java.time.Clock.systemUTC()))))
              .output();
      log.addAll(journal.accept(draft));
    }
    List<Decision> second =
        log.stream().filter(d -> d.sagaId().equals(Optional.of("saga-1"))).toList();
    return new Redrive.RecordedStep(
        "saga-1",
        "t1",
        0,
        GATHER,
        "question 1",
        Optional.of(output),
        Optional.empty(),
        "research-0",
        second);
  }

  /** The state before the second step: the fold of the first step's decisions. */
  private static FoldedLog<OfflineAgent.Memory> before(List<Decision> log) {
    OfflineAgent.Memory m = OfflineAgent.Memory.EMPTY;
    long n = 0;
    for (Decision d : log) {
      if (d.sagaId().equals(Optional.of("saga-0"))) {
        m = OfflineAgent.FOLD.apply(m, d);
        n++;
      }
    }
    return new FoldedLog<>(m, n, 0, n, Optional.empty(), 0);
  }

  @Test
  void theSameAgentOverItsRecordingEndsTheSameWithoutCallingTheModel() {
    // given
    List<Decision> log = new ArrayList<>();
    Redrive.RecordedStep recorded = recordSecondStep(log);

    // when
    RedrivenStep redriven =
        Redrive.step(new OfflineAgent("research"), recorded, before(log), "r1", NOW);

    // then
    assertThat(redriven.outcome()).isEqualTo(RedrivenStep.Outcome.SAME);
    assertThat(redriven.redrivenOutput()).isEqualTo(recorded.output());
    assertThat(redriven.redrivenOutput().orElseThrow()).startsWith("research.gather#2[");
    assertThat(redriven.modelCalls()).isEqualTo(1);
    assertThat(redriven.promptMismatches()).isZero();
    assertThat(redriven.decisions()).hasSize(3);
    assertThat(redriven.decisions().get(2))
        .isEqualTo(StepEngine.RESULT_DECISION + ": " + recorded.output().get());
  }

  @Test
  void aReDriveStartsFromTheStateBeforeTheStep() {
    // given
    List<Decision> log = new ArrayList<>();
    Redrive.RecordedStep recorded = recordSecondStep(log);

    // when: the agent is given an empty history instead
    RedrivenStep redriven =
        Redrive.step(new OfflineAgent("research"), recorded, EMPTY_LOG, "r1", NOW);

    // then: it believes it is on its first step, and says so
    assertThat(redriven.outcome()).isEqualTo(RedrivenStep.Outcome.DIFFERENT);
    assertThat(redriven.redrivenOutput().orElseThrow()).startsWith("research.gather#1[");
  }

  @Test
  void aNewAgentVersionIsComparedAndItsEffectsAreSkipped() {
    // given
    List<Decision> log = new ArrayList<>();
    Redrive.RecordedStep recorded = recordSecondStep(log);
    Agent<OfflineAgent.Memory> v2 =
        researchAgent(
            (request, context) -> {
              String answer = context.llm().complete("v2 asks differently: " + request.input());
              context.sideEffect(
                  "email the user",
                  () -> {
                    throw new AssertionError("a side effect ran during a re-drive");
                  });
              return new StepResult.Completed("v2 says " + answer);
            });

    // when
    RedrivenStep redriven = Redrive.step(v2, recorded, before(log), "r2", NOW);

    // then: answered from the recording, whose prompt was another
    assertThat(redriven.outcome()).isEqualTo(RedrivenStep.Outcome.DIFFERENT);
    String recordedAnswer = ModelCall.of(recorded.decisions().get(0)).answer();
    assertThat(redriven.redrivenOutput()).contains("v2 says " + recordedAnswer);
    assertThat(redriven.modelCalls()).isEqualTo(1);
    assertThat(redriven.promptMismatches()).isEqualTo(1);
    assertThat(redriven.skippedEffects()).containsExactly("email the user");
  }

  @Test
  void aCallTheRecordingCannotAnswerFailsTheReDrive() {
    // given
    List<Decision> log = new ArrayList<>();
    Redrive.RecordedStep recorded = recordSecondStep(log);
    Agent<OfflineAgent.Memory> greedy =
        researchAgent(
            (request, context) -> {
              context.llm().complete("first");
              context.llm().complete("second");
              return new StepResult.Completed("done");
            });

    // when
    RedrivenStep redriven = Redrive.step(greedy, recorded, before(log), "r3", NOW);

    // then
    assertThat(redriven.outcome()).isEqualTo(RedrivenStep.Outcome.FAILED);
    assertThat(redriven.error().orElseThrow()).contains("no answer for model call #2");
    assertThat(redriven.redrivenOutput()).isEmpty();
    assertThat(redriven.modelCalls()).isEqualTo(1);
  }

  private static final Tool WEATHER =
      new Tool(
          "weather",
          "today's weather of a city",
          "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},"
              + "\"required\":[\"city\"]}");

  /**
   * A research agent that asks the model with the weather tool, runs every tool call the model
   * makes, and completes with what the model says once it calls no more.
   */
  private static Agent<OfflineAgent.Memory> toolUser() {
    return researchAgent(
        (request, context) -> {
          List<ChatMessage> conversation =
              new ArrayList<>(
                  List.of(
                      ChatMessage.system("Answer with the weather tool."),
                      ChatMessage.user(request.input())));
          ChatResponse answer =
              context.llm().chat(ChatRequest.of(conversation).withTools(List.of(WEATHER)));
          while (!answer.message().toolCalls().isEmpty()) {
            conversation.add(answer.message());
            for (ToolCall call : answer.message().toolCalls()) {
              conversation.add(
                  ChatMessage.toolResult(call.id(), "sunny, 21 C: " + call.arguments()));
            }
            answer = context.llm().chat(ChatRequest.of(conversation).withTools(List.of(WEATHER)));
          }
          return new StepResult.Completed(answer.text());
        });
  }

  @Test
  void aToolCallConversationOverHttpIsReDrivenTheSameFromItsRecording() throws Exception {
    try (var server = new FakeModelServer()) {
      // given: live, the model calls the tool, then answers with text, over real HTTP
      server.then(
          Reply.raw(
              200,
              "{\"id\":\"c1\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
                  + "\"content\":null,\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\","
                  + "\"function\":{\"name\":\"weather\",\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"}}]},"
                  + "\"finish_reason\":\"tool_calls\"}],\"usage\":{\"prompt_tokens\":40,"
                  + "\"completion_tokens\":9}}",
              Map.of()),
          Reply.answer("Sunny, 21 C, in Paris."));
      var model =
          new OpenAiChatModel(
              server.baseUrl(),
              "gpt-test",
              Optional.empty(),
              Duration.ofSeconds(5),
              Clock.systemUTC());
      var journal = new AgentJournal<>("research-0", OfflineAgent.FOLD, EMPTY_LOG, 0);
      var draft =
          journal.begin(
              new AgentJournal.Origin(
                  Optional.of("saga-0"), Optional.of(0), NOW, Optional.empty()));
      var live =
          (StepResult.Completed)
              toolUser()
                  .act(
                      new StepRequest("saga-0", "t0", 0, GATHER, "Weather in Paris?", 0),
                      StepContext.live(draft, model, KnowledgeAccess.ownOnly(Clock.systemUTC())));
      List<Decision> decisions = journal.accept(draft);
      assertThat(live.output()).isEqualTo("Sunny, 21 C, in Paris.");
      JsonNode second = new ObjectMapper().readTree(server.received().get(1).body());
      assertThat(second.path("messages").findValuesAsText("role"))
          .containsExactly("system", "user", "assistant", "tool");
      List<ModelCall> calls =
          decisions.stream()
              .filter(d -> d.kind().equals(ModelCall.KIND))
              .map(ModelCall::of)
              .toList();
      assertThat(calls).hasSize(2);
      assertThat(calls.get(0).toolCalls())
          .containsExactly(new ToolCall("call_1", "weather", "{\"city\":\"Paris\"}"));
      assertThat(calls.get(0).finishReason()).isEqualTo(ChatResponse.FinishReason.TOOL_CALLS);
      var recorded =
          new Redrive.RecordedStep(
              "saga-0",
              "t0",
              0,
              GATHER,
              "Weather in Paris?",
              Optional.of(live.output()),
              Optional.empty(),
              "research-0",
              decisions);

      // when
      RedrivenStep redriven = Redrive.step(toolUser(), recorded, EMPTY_LOG, "r5", NOW);

      // then: the same conversation, answered from the recording, with no model asked
      assertThat(redriven.outcome()).isEqualTo(RedrivenStep.Outcome.SAME);
      assertThat(redriven.redrivenOutput()).contains("Sunny, 21 C, in Paris.");
      assertThat(redriven.modelCalls()).isEqualTo(2);
      assertThat(redriven.promptMismatches()).isZero();
      assertThat(server.received()).hasSize(2);
    }
  }
}
