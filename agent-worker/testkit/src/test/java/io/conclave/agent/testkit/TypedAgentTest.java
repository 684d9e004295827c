package io.conclave.agent.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.conclave.agent.DecisionKinds;
import io.conclave.agent.chat.ChatMessage;
import io.conclave.agent.chat.ChatRequest;
import io.conclave.agent.chat.ChatResponse;
import io.conclave.agent.chat.Usage;
import io.conclave.agent.typed.Kind;
import io.conclave.agent.typed.StepFailure;
import io.conclave.agent.typed.TypedAgent;
import io.conclave.agent.typed.TypedFold;
import io.conclave.model.saga.SagaStep;
import org.junit.jupiter.api.Test;

/** {@link TypedAgent} run by the kit: dispatch, codecs, failures and compensations. */
class TypedAgentTest {
  record Order(String item, int quantity) {}

  record Booking(String reference, int quantity) {}

  @Kind("BOOKED")
  record Booked(String reference) {}

  @Kind("CANCELLED")
  record Cancelled(String reference) {}

  record Ledger(long booked, long cancelled) {}

  record Verdict(boolean approve, String why) {}

  static final TypedFold<Ledger> FOLD =
      TypedFold.of("ledger/1", Ledger.class, new Ledger(0, 0))
          .on(Booked.class, (l, b) -> new Ledger(l.booked() + 1, l.cancelled()))
          .on(Cancelled.class, (l, c) -> new Ledger(l.booked(), l.cancelled() + 1))
          .build();

  static final TypedAgent<Ledger> AGENT =
      TypedAgent.builder("booking", FOLD)
          .on(
              "book",
              Order.class,
              (order, ctx) -> {
                if (order.quantity() > 9) {
                  throw new StepFailure("at most 9 per booking, asked " + order.quantity());
                }
                var booking = new Booking("B-" + ctx.request().stepIndex(), order.quantity());
                ctx.decide(new Booked(booking.reference()));
                return booking;
              })
          .on(
              "review",
              String.class,
              (text, ctx) -> {
                Verdict v = ctx.ask("You review bookings.", text, Verdict.class);
                return v.approve() ? "approved: " + v.why() : "rejected: " + v.why();
              })
          .compensate(
              "cancel",
              Booking.class,
              (booking, ctx) -> booking.ifPresent(b -> ctx.decide(new Cancelled(b.reference()))))
          .build();

  @Test
  void theStepsActionPicksTheHandlerAndItsTypes() {
    var kit = AgentTestKit.of(AGENT);

    var run = kit.act("book", new Order("seat", 2));

    assertThat(run.output(Booking.class)).isEqualTo(new Booking("B-0", 2));
    assertThat(run.output()).isEqualTo("{\"reference\":\"B-0\",\"quantity\":2}");
    assertThat(run.kinds()).containsExactly("BOOKED");
    assertThat(kit.state()).isEqualTo(new Ledger(1, 0));
  }

  @Test
  void anUnknownActionIsAnIllegalArgumentNamingTheKnownOnes() {
    var kit = AgentTestKit.of(AGENT);

    assertThatThrownBy(() -> kit.act("refund", "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("booking has no action 'refund'; its actions: [book, review]");
  }

  @Test
  void anInputThatIsNotTheActionsTypeIsAnIllegalArgumentAndLeavesNothing() {
    var kit = AgentTestKit.of(AGENT);

    assertThatThrownBy(() -> kit.act("book", "two seats please"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("booking.book takes a Order");
    assertThat(kit.decisions()).isEmpty();
  }

  @Test
  void theInputMappingIsTheInputWhenTheStepHasOne() {
    var kit = AgentTestKit.of(AGENT);
    var step = new SagaStep("booking", "book", "{\"item\":\"seat\",\"quantity\":3}", "cancel");

    assertThat(kit.act(step, "the previous output").output(Booking.class).quantity()).isEqualTo(3);
  }

  @Test
  void aStepFailureFailsTheStepWithItsReason() {
    var kit = AgentTestKit.of(AGENT);

    assertThat(kit.act("book", new Order("seat", 12)).failure())
        .isEqualTo("at most 9 per booking, asked 12");
  }

  @Test
  void aCompensationGetsTheStepsTypedOutputAndIsRecorded() {
    var kit = AgentTestKit.of(AGENT);
    var booked = kit.act("book", new Order("seat", 2));

    var undone = kit.compensate(booked, "cancel", "payment failed");

    assertThat(undone.kinds()).containsExactly("CANCELLED", DecisionKinds.COMPENSATION);
    assertThat(undone.decision(Cancelled.class)).isEqualTo(new Cancelled("B-0"));
    assertThat(undone.output()).isEqualTo("cancel of step 0");
    assertThat(kit.state()).isEqualTo(new Ledger(1, 1));
  }

  @Test
  void aCompensationOfAStepThatProducedNothingGetsNoOutput() {
    var kit = AgentTestKit.of(AGENT);
    var failed = kit.act("book", new Order("seat", 12));

    var undone = kit.compensate(failed, "cancel", "the step failed");

    assertThat(undone.kinds()).containsExactly(DecisionKinds.COMPENSATION);
  }

  @Test
  void anUnknownCompensationIsAnIllegalArgumentNamingTheKnownOnes() {
    var kit = AgentTestKit.of(AGENT);
    var booked = kit.act("book", new Order("seat", 1));

    assertThatThrownBy(() -> kit.compensate(booked, "refund", "why not"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("booking has no compensation 'refund'; its compensations: [cancel]");
  }

  @Test
  void aStructuredAnswerIsAskedWithTheRecordsSchemaAndDecoded() {
    var model = ScriptedModel.answering("{\"approve\":true,\"why\":\"in stock\"}");
    var kit = AgentTestKit.of(AGENT).withModel(model);

    var run = kit.act("review", "2 seats");

    assertThat(run.output()).isEqualTo("approved: in stock");
    assertThat(run.kinds()).containsExactly(DecisionKinds.MODEL_CALL);
    ChatRequest asked = model.lastRequest();
    assertThat(asked.messages())
        .containsExactly(ChatMessage.system("You review bookings."), ChatMessage.user("2 seats"));
    assertThat(asked.responseSchema().orElseThrow().name()).isEqualTo("Verdict");
  }

  @Test
  void anAnswerCutShortIsTransient() {
    var cut =
        new ChatResponse(
            "scripted",
            ChatMessage.assistant("{\"approve\":tr"),
            ChatResponse.FinishReason.LENGTH,
            new Usage(10, 5, false));
    var kit = AgentTestKit.of(AGENT).withModel(new ScriptedModel("scripted").then(cut));

    assertThatThrownBy(() -> kit.act("review", "2 seats"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("scripted's Verdict was cut short (token limit)");
  }

  @Test
  void anActionIsRegisteredOnce() {
    var builder = TypedAgent.builder("booking", FOLD).on("book", Order.class, (o, ctx) -> "x");

    assertThatThrownBy(() -> builder.on("book", String.class, (o, ctx) -> "y"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("booking already has the action 'book'");
  }

  @Test
  void aStatelessAgentCountsItsDecisions() {
    var agent =
        TypedAgent.builder("echo")
            .on(
                "say",
                String.class,
                (text, ctx) -> {
                  ctx.decide("SAID", text);
                  return text + "!";
                })
            .build();
    var kit = AgentTestKit.of(agent);

    assertThat(kit.act("say", "hi").output()).isEqualTo("hi!");
    kit.act("say", "ho");

    assertThat(kit.state().count("SAID")).isEqualTo(2);
  }
}
