package io.conclave.worker;

import io.conclave.core.AgentJournal;
import io.conclave.core.EventLog;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The context of one attempt of a step: its draft of the agent's log, the model (whose calls it records in the
 * draft), and whether side effects run (live) or are only noted (re-drive).
 */
final class StepContext<S> implements AgentContext<S> {
  private final AgentJournal.Draft<S> draft;
  private final LlmClient recordingModel;
  private final boolean effectsOn;
  private final Knowledge knowledge;
  private final List<String> skippedEffects = new ArrayList<>();

  private StepContext(AgentJournal.Draft<S> draft, LlmClient model, KnowledgeAccess access, boolean effectsOn,
                      StepSpending spending) {
    this.draft = Objects.requireNonNull(draft, "draft");
    this.effectsOn = effectsOn;
    this.knowledge = new DraftKnowledge(draft, access);
    this.recordingModel = new LlmClient() {
      @Override
      public String model() {
        return model.model();
      }

      @Override
      public String complete(String prompt) {
        spending.beforeCall(prompt);
        long start = System.nanoTime();
        Answer answer;
        try {
          answer = model.answer(prompt);
        } catch (RuntimeException e) {
          spending.failed(new FailedModelCall(model.model(), access.ledger().recorded(prompt),
              e.getClass().getSimpleName() + ": " + e.getMessage(), (System.nanoTime() - start) / 1_000_000));
          throw e;
        }
        long latencyMs = (System.nanoTime() - start) / 1_000_000;
        String text = Objects.requireNonNull(answer.text(), () -> answer.model() + " answered null");
        var call = new ModelCall(answer.model(), access.ledger().recorded(prompt), access.ledger().recorded(text),
            answer.usage(), access.ledger().costMicros(answer.model(), answer.usage()), latencyMs);
        record(draft, call, StepContext.this.knowledge, access.ledger(), spending.tenant());
        spending.answered(draft, call);
        return text;
      }
    };
  }

  /** Records an answered call in {@code draft}: the ledger entry, and its tokens and cost on the ledger's counters. */
  static void record(AgentJournal.Draft<?> draft, ModelCall call, Knowledge knowledge, CallLedger ledger,
                     String tenant) {
    draft.append(ModelCall.KIND, call.payload(), Optional.of(call.model()));
    ledger.record(call, draft.agentId(), draft.origin().sagaId(), tenant, knowledge);
  }

  /**
   * A step run for real, without a token limit: effects happen.
   *
   * @param knowledge the worker's clock and observed knowledge
   */
  static <S> StepContext<S> live(AgentJournal.Draft<S> draft, LlmClient model, KnowledgeAccess knowledge) {
    return live(draft, model, knowledge, StepSpending.unlimited());
  }

  /** An attempt of a step run for real, its model calls counted and limited by {@code spending}. */
  static <S> StepContext<S> live(AgentJournal.Draft<S> draft, LlmClient model, KnowledgeAccess knowledge,
                                 StepSpending spending) {
    return new StepContext<>(draft, model, knowledge, true, spending);
  }

  /** A step re-driven over a recording: effects are noted, not performed; knowledge updates stay in the draft. */
  static <S> StepContext<S> redrive(AgentJournal.Draft<S> draft, LlmClient recordedAnswers,
                                    KnowledgeAccess knowledge) {
    return new StepContext<>(draft, recordedAnswers, knowledge, false, StepSpending.unlimited());
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
