package io.conclave.agent.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.conclave.agent.Agent;
import io.conclave.agent.AgentContext;
import io.conclave.agent.DecisionKinds;
import io.conclave.agent.StepRequest;
import io.conclave.agent.StepResult;
import io.conclave.agent.chat.ChatMessage;
import io.conclave.agent.chat.ChatRequest;
import io.conclave.agent.chat.ChatResponse;
import io.conclave.agent.chat.ToolCall;
import io.conclave.model.crdt.GCounter;
import io.conclave.model.eventlog.Decision;
import io.conclave.model.eventlog.StateFold;
import io.conclave.model.eventlog.Tally;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/** The kit with plain {@link Agent}s: runs, the scripted model, knowledge, effects, fold checks. */
class AgentTestKitTest {
  /** An agent whose step is the lambda given, with the tally for state. */
  private static Agent<Tally> agent(BiFunction<StepRequest, AgentContext<Tally>, StepResult> act) {
    return agent(Tally.FOLD, act);
  }

  private static <S> Agent<S> agent(
      StateFold<S> fold, BiFunction<StepRequest, AgentContext<S>, StepResult> act) {
    return new Agent<>() {
      @Override
      public String type() {
        return "probe";
      }

      @Override
      public StateFold<S> fold() {
        return fold;
      }

      @Override
      public StepResult act(StepRequest request, AgentContext<S> context) {
        return act.apply(request, context);
      }
    };
  }

  @Test
  void theScriptAnswersInOrderAndKeepsTheRequests() {
    var model =
        ScriptedModel.answering("one")
            .thenCalls(new ToolCall("c1", "search", "{\"q\":\"sky\"}"))
            .then("two");
    var kit =
        AgentTestKit.of(
                agent(
                    (request, ctx) -> {
                      String first = ctx.llm().complete("a");
                      ChatResponse tools = ctx.llm().chat(ChatRequest.prompt("b"));
                      String second =
                          ctx.llm()
                              .chat(
                                  ChatRequest.of(
                                      ChatMessage.user("b"),
                                      tools.message(),
                                      ChatMessage.toolResult("c1", "found")))
                              .text();
                      return new StepResult.Completed(
                          first + "," + tools.message().toolCalls().get(0).name() + "," + second);
                    }))
            .withModel(model);

    var run = kit.act("go", "x");

    assertThat(run.output()).isEqualTo("one,search,two");
    assertThat(model.requests()).hasSize(3);
    assertThat(model.lastRequest().messages()).hasSize(3);
    assertThat(model.remaining()).isZero();
    assertThat(run.kinds()).containsOnly(DecisionKinds.MODEL_CALL).hasSize(3);
    assertThat(run.decisions().get(0).model()).hasValue("scripted");
  }

  @Test
  void aCallBeyondTheScriptFailsTheTestShowingTheRequest() {
    var kit =
        AgentTestKit.of(
                agent((request, ctx) -> new StepResult.Completed(ctx.llm().complete("hello?"))))
            .withModel(ScriptedModel.answering());

    assertThatThrownBy(() -> kit.act("go", "x"))
        .isInstanceOf(AssertionError.class)
        .hasMessage(
            "the script of scripted has no answer left for call 1: 1 message(s), the last (USER):"
                + " hello?");
  }

  @Test
  void aRunThatThrowsLeavesTheLogAsItWas() {
    var kit =
        AgentTestKit.of(
            agent(
                (request, ctx) -> {
                  ctx.log().append("NOTE", request.input());
                  if (request.input().equals("boom")) {
                    throw new IllegalStateException("transient");
                  }
                  return new StepResult.Completed("ok");
                }));

    kit.act("go", "fine");
    assertThatThrownBy(() -> kit.act("go", "boom")).hasMessage("transient");

    assertThat(kit.decisions()).extracting(Decision::payload).containsExactly("fine");
    assertThat(kit.state().count("NOTE")).isEqualTo(1);
  }

  @Test
  void knowledgeIsRecordedAsTheWorkerRecordsIt() {
    var kit =
        AgentTestKit.of(
            agent(
                (request, ctx) -> {
                  ctx.knowledge().increment("steps.probe");
                  return new StepResult.Completed("ok");
                }));

    kit.act("go", "a");
    kit.act("go", "b");

    assertThat(kit.knowledge("steps.probe"))
        .hasValueSatisfying(c -> assertThat(((GCounter) c).value()).isEqualTo(2));
    assertThat(kit.decisions()).allSatisfy(d -> assertThat(d.knowledge()).isPresent());
  }

  @Test
  void effectsRunAndAreRecordedOrOnlyRecorded() {
    List<String> done = new ArrayList<>();
    Agent<Tally> mailer =
        agent(
            (request, ctx) -> {
              ctx.sideEffect("mail", () -> done.add(request.idempotencyKey()));
              return new StepResult.Completed("sent");
            });

    var live = AgentTestKit.of(mailer);
    assertThat(live.act("go", "x").effects()).containsExactly("mail");
    assertThat(done).containsExactly("saga-1/0/0");

    var redrive = AgentTestKit.of(mailer).withoutEffects();
    assertThat(redrive.act("go", "x").effects()).containsExactly("mail");
    assertThat(done).hasSize(1);
  }

  @Test
  void stepsOfASagaFollowEachOther() {
    var kit = AgentTestKit.of(agent((request, ctx) -> new StepResult.Completed("ok")));

    assertThat(kit.act("go", "a").stepIndex()).isZero();
    assertThat(kit.act("go", "b").stepIndex()).isEqualTo(1);
    assertThat(kit.act("go", "c").decisions()).isEmpty();
  }

  /** A state with a mutable list: a fold that adds to it changes the states it was given. */
  record Bag(List<String> items) {}

  @Test
  void aFoldThatMutatesItsStateFailsTheCheck() {
    StateFold<Bag> mutating =
        new StateFold<>() {
          @Override
          public String id() {
            return "bag/1";
          }

          @Override
          public Bag initial() {
            return new Bag(new ArrayList<>());
          }

          @Override
          public Bag apply(Bag state, Decision decision) {
            state.items().add(decision.payload());
            return state;
          }

          @Override
          public String encode(Bag state) {
            return String.join(",", state.items());
          }

          @Override
          public Bag decode(String encoded) {
            return new Bag(
                encoded.isEmpty()
                    ? new ArrayList<>()
                    : new ArrayList<>(List.of(encoded.split(","))));
          }
        };
    var kit =
        AgentTestKit.of(
            agent(
                mutating,
                (request, ctx) -> {
                  ctx.log().append("ITEM", request.input());
                  return new StepResult.Completed("ok");
                }));

    assertThatThrownBy(() -> kit.act("go", "a"))
        .isInstanceOf(AssertionError.class)
        .hasMessage("bag/1: apply changed the state it was given (return a new state instead)");
  }

  @Test
  void aStateThatDoesNotSurviveItsEncodingFailsTheCheck() {
    StateFold<Long> lossy =
        new StateFold<>() {
          @Override
          public String id() {
            return "lossy/1";
          }

          @Override
          public Long initial() {
            return 0L;
          }

          @Override
          public Long apply(Long state, Decision decision) {
            return state + 1;
          }

          @Override
          public String encode(Long state) {
            return "0";
          }

          @Override
          public Long decode(String encoded) {
            return Long.parseLong(encoded);
          }
        };
    var kit =
        AgentTestKit.of(
            agent(
                lossy,
                (request, ctx) -> {
                  ctx.log().append("ONE", "");
                  return new StepResult.Completed("ok");
                }));

    assertThatThrownBy(() -> kit.act("go", "a"))
        .isInstanceOf(AssertionError.class)
        .hasMessage("lossy/1: the state does not survive its encoding: 1 came back as 0");
  }
}
