package io.conclave.worker;

import io.conclave.agent.AgentContext;
import io.conclave.agent.Knowledge;
import io.conclave.agent.LlmClient;
import io.conclave.agent.chat.ChatRequest;
import io.conclave.agent.chat.ChatResponse;
import io.conclave.agent.chat.ToolCall;
import io.conclave.model.eventlog.EventLog;
import io.conclave.model.journal.AgentJournal;
import io.conclave.models.FailedModelCall;
import io.conclave.models.ModelCall;
import io.conclave.models.OpenAiWire;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.ObjLongConsumer;

/**
 * The context of one attempt of a step: its draft of the agent's log, the model (whose calls it
 * records in the draft), and whether side effects run (live) or are only noted (re-drive). The cost
 * of each answered call, as the ledger records it, is counted (live, on the registry given) as
 * {@code conclave.model.cost} (micro-units of currency, tagged with the model that answered and the
 * agent type, {@code agent_type}).
 */
final class StepContext<S> implements AgentContext<S> {
  private final AgentJournal.Draft<S> draft;
  private final LlmClient recordingModel;
  private final boolean effectsOn;
  private final Knowledge knowledge;
  private final List<String> skippedEffects = new ArrayList<>();

  private StepContext(
      AgentJournal.Draft<S> draft,
      LlmClient model,
      KnowledgeAccess access,
      boolean effectsOn,
      StepSpending spending,
      ObjLongConsumer<String> costs) {
    this.draft = Objects.requireNonNull(draft, "draft");
    this.effectsOn = effectsOn;
    this.knowledge = new DraftKnowledge(draft, access);
    this.recordingModel =
        new LlmClient() {
          @Override
          public String model() {
            return model.model();
          }

          @Override
          public ChatResponse chat(ChatRequest request) {
            String prompt = OpenAiWire.canonical(request);
            OptionalLong left = spending.beforeCall(request.text());
            ChatRequest asked = request;
            if (left.isPresent()
                && (request.maxTokens().isEmpty()
                    || request.maxTokens().getAsInt() > left.getAsLong())) {
              // the answer may take what the budget leaves, so that it cannot overrun it by much
              asked =
                  request.withMaxTokens(
                      (int) Math.max(1, Math.min(Integer.MAX_VALUE, left.getAsLong())));
            }
            long start = System.nanoTime();
            ChatResponse answer;
            try {
              answer = model.chat(asked);
            } catch (RuntimeException e) {
              spending.failed(
                  new FailedModelCall(
                      model.model(),
                      access.ledger().recorded(prompt),
                      e.getClass().getSimpleName() + ": " + e.getMessage(),
                      (System.nanoTime() - start) / 1_000_000));
              throw e;
            }
            long latencyMs = (System.nanoTime() - start) / 1_000_000;
            Objects.requireNonNull(answer, () -> model.model() + " answered null");
            long costMicros = access.ledger().costMicros(answer.model(), answer.usage());
            // counted once, here: a call of an attempt that failed afterwards is paid for all the
            // same
            costs.accept(answer.model(), costMicros);
            var call =
                new ModelCall(
                    answer.model(),
                    access.ledger().recorded(prompt),
                    access.ledger().recorded(answer.text()),
                    answer.message().toolCalls().stream()
                        .map(
                            c ->
                                new ToolCall(
                                    c.id(), c.name(), access.ledger().recorded(c.arguments())))
                        .toList(),
                    answer.finishReason(),
                    answer.usage(),
                    costMicros,
                    latencyMs);
            record(draft, call);
            spending.answered(draft, call);
            return answer;
          }
        };
  }

  /** Records an answered call in {@code draft} as its ledger entry. */
  static void record(AgentJournal.Draft<?> draft, ModelCall call) {
    draft.append(ModelCall.KIND, call.payload(), Optional.of(call.model()));
  }

  /**
   * A step run for real, without a token limit: effects happen.
   *
   * @param knowledge the worker's clock and observed knowledge
   */
  static <S> StepContext<S> live(
      AgentJournal.Draft<S> draft, LlmClient model, KnowledgeAccess knowledge) {
    return new StepContext<>(
        draft, model, knowledge, true, StepSpending.unlimited(), (answeredBy, micros) -> {});
  }

  /**
   * An attempt of a step of {@code agentType} run for real, its model calls counted and limited by
   * {@code spending}, their cost counted on {@code metrics}.
   */
  static <S> StepContext<S> live(
      AgentJournal.Draft<S> draft,
      LlmClient model,
      KnowledgeAccess knowledge,
      StepSpending spending,
      MeterRegistry metrics,
      String agentType) {
    Objects.requireNonNull(metrics, "metrics");
    Objects.requireNonNull(agentType, "agentType");
    return new StepContext<>(
        draft,
        model,
        knowledge,
        true,
        spending,
        (answeredBy, micros) ->
            Counter.builder("conclave.model.cost")
                .description("cost of the models' answers, in micro-units of currency")
                .tag("model", answeredBy)
                .tag("agent_type", agentType)
                .register(metrics)
                .increment(micros));
  }

  /**
   * A step re-driven over a recording: effects are noted, not performed; knowledge updates stay in
   * the draft.
   */
  static <S> StepContext<S> redrive(
      AgentJournal.Draft<S> draft, LlmClient recordedAnswers, KnowledgeAccess knowledge) {
    // a re-drive's calls are a recording's, paid for when they were made
    return new StepContext<>(
        draft,
        recordedAnswers,
        knowledge,
        false,
        StepSpending.unlimited(),
        (answeredBy, micros) -> {});
  }

  @Override
  public EventLog<S> log() {
    return draft;
  }

  @Override
  public LlmClient llm() {
    return recordingModel;
  }

  @Override
  public Knowledge knowledge() {
    return knowledge;
  }

  @Override
  public void sideEffect(String name, Runnable effect) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(effect, "effect");
    if (effectsOn) {
      effect.run();
    } else {
      skippedEffects.add(name);
    }
  }

  /** The effects a re-drive did not perform, in order. */
  List<String> skippedEffects() {
    return List.copyOf(skippedEffects);
  }
}
