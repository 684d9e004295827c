package io.conclave.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.conclave.agent.DecisionKinds;
import io.conclave.agent.LlmClient;
import io.conclave.agent.chat.ChatMessage;
import io.conclave.agent.chat.ChatRequest;
import io.conclave.agent.chat.ChatResponse;
import io.conclave.agent.chat.Usage;
import io.conclave.model.cluster.TaskSubmission;
import io.conclave.model.saga.RegisteredSaga;
import io.conclave.model.saga.SagaDefinition;
import io.conclave.model.saga.SagaStep;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class LlmPlannerTest {
  private static final List<String> TYPES = List.of("research", "analysis", "write");
  private static final TaskSubmission TASK =
      new TaskSubmission("t-1", "compare the two reports", Instant.parse("2026-01-01T00:00:00Z"));
  private static final Clock CLOCK = Clock.fixed(Instant.EPOCH, ZoneOffset.UTC);

  /** A model that answers each request with what {@code answer} says, and keeps the requests. */
  private static final class ScriptedModel implements LlmClient {
    final List<ChatRequest> asked = new ArrayList<>();
    final Function<ChatRequest, String> answer;

    ScriptedModel(Function<ChatRequest, String> answer) {
      this.answer = answer;
    }

    @Override
    public String model() {
      return "scripted";
    }

    @Override
    public ChatResponse chat(ChatRequest request) {
      asked.add(request);
      return ChatResponse.text("scripted", answer.apply(request), new Usage(120, 40, false));
    }
  }

  private static Planning plan(LlmClient model, SortedMap<String, RegisteredSaga> definitions) {
    return TaskPlanning.plan(TASK, new LlmPlanner(model, TYPES, CLOCK), () -> definitions, TYPES);
  }

  private static SortedMap<String, RegisteredSaga> report() {
    var definitions = new TreeMap<String, RegisteredSaga>();
    definitions.put(
        "report",
        new RegisteredSaga(
            "report",
            new SagaDefinition(
                List.of(
                    new SagaStep("research", "gather", "", "discard"),
                    new SagaStep("write", "draft", "", "unpublish"))),
            Instant.EPOCH));
    return definitions;
  }

  @Test
  void aGoodPlanIsTheSagaWithTheCallRecordedBeforeIt() {
    var model =
        new ScriptedModel(
            r ->
                "{\"steps\": [{\"agentType\": \"research\", \"action\": \"gather\","
                    + " \"compensation\": \"discard\"}, {\"parallel\": ["
                    + "{\"agentType\": \"analysis\", \"action\": \"weigh\", \"compensation\": \"retract\"},"
                    + "{\"agentType\": \"write\", \"action\": \"outline\", \"compensation\": \"drop\"}]}]}");

    Planning planning = plan(model, new TreeMap<>());

    assertThat(planning).isInstanceOf(Planning.Planned.class);
    List<SagaStep> steps = ((Planning.Planned) planning).steps();
    assertThat(steps).extracting(SagaStep::action).containsExactly("gather", "weigh", "outline");
    assertThat(steps.get(2).parallel()).isTrue();
    assertThat(planning.recorded())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.kind()).isEqualTo(DecisionKinds.MODEL_CALL);
              assertThat(r.model()).contains("scripted");
              assertThat(r.payload()).contains("weigh").contains("compare the two reports");
            });
    ChatRequest asked = model.asked.get(0);
    assertThat(asked.responseSchema()).contains(LlmPlanner.SCHEMA);
    assertThat(asked.messages().get(0).role()).isEqualTo(ChatMessage.Role.SYSTEM);
    assertThat(asked.messages().get(0).content()).contains("research, analysis, write");
  }

  @Test
  void theModelMayPickARegisteredDefinitionByName() {
    var model = new ScriptedModel(r -> "{\"definition\": \"report\"}");

    Planning planning = plan(model, report());

    assertThat(((Planning.Planned) planning).steps())
        .isEqualTo(report().get("report").definition().steps());
    assertThat(model.asked.get(0).messages().get(0).content())
        .contains("report: research.gather -> write.draft");
  }

  @Test
  void aPlanNamingAnAgentTypeNobodyRunsIsRefusedWithTheCallRecorded() {
    var model =
        new ScriptedModel(
            r ->
                "{\"steps\": [{\"agentType\": \"astrology\", \"action\": \"divine\","
                    + " \"compensation\": \"forget\"}]}");

    Planning planning = plan(model, new TreeMap<>());

    assertThat(planning).isInstanceOf(Planning.Refused.class);
    assertThat(((Planning.Refused) planning).reason())
        .contains("the plan is refused")
        .contains("[astrology]");
    assertThat(planning.recorded())
        .singleElement()
        .satisfies(r -> assertThat(r.payload()).contains("divine"));
  }

  @Test
  void anAnswerThatIsNotJsonIsRefusedQuotingIt() {
    Planning planning = plan(new ScriptedModel(r -> "Sure! First, research."), new TreeMap<>());

    assertThat(((Planning.Refused) planning).reason())
        .contains("not JSON")
        .contains("Sure! First, research.");
    assertThat(planning.recorded()).hasSize(1);
  }

  @Test
  void jsonThatIsNotASagaIsRefusedSayingWhatIsWrong() {
    Planning planning =
        plan(new ScriptedModel(r -> "{\"steps\": [{\"agentType\": \"research\"}]}"), report());

    assertThat(((Planning.Refused) planning).reason()).contains("steps[0].action is required");
  }

  @Test
  void anAnswerCutShortIsRefusedEvenIfItParses() {
    LlmClient cut =
        new LlmClient() {
          @Override
          public String model() {
            return "scripted";
          }

          @Override
          public ChatResponse chat(ChatRequest request) {
            return new ChatResponse(
                "scripted",
                ChatMessage.assistant("{\"definition\": \"report\"}"),
                ChatResponse.FinishReason.LENGTH,
                new Usage(120, 4096, false));
          }
        };

    Planning planning = plan(cut, report());

    assertThat(((Planning.Refused) planning).reason()).contains("did not end normally (LENGTH)");
    assertThat(planning.recorded())
        .singleElement()
        .satisfies(r -> assertThat(r.payload()).contains("LENGTH"));
  }

  @Test
  void anUnregisteredDefinitionIsRefused() {
    Planning planning = plan(new ScriptedModel(r -> "{\"definition\": \"essay\"}"), report());

    assertThat(((Planning.Refused) planning).reason()).contains("no saga definition named 'essay'");
  }

  @Test
  void aModelFailureIsTheTasksTransientFailureAndRecordsNothing() {
    var failing =
        new ScriptedModel(
            r -> {
              throw new IllegalStateException("model unavailable");
            });

    assertThatThrownBy(() -> plan(failing, new TreeMap<>()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("model unavailable");
  }
}
