package io.conclave.agent.testkit;

import io.conclave.agent.Agent;
import io.conclave.agent.AgentContext;
import io.conclave.agent.CompensationRequest;
import io.conclave.agent.DecisionKinds;
import io.conclave.agent.Knowledge;
import io.conclave.agent.LlmClient;
import io.conclave.agent.StepRequest;
import io.conclave.agent.StepResult;
import io.conclave.agent.chat.ChatRequest;
import io.conclave.agent.chat.ChatResponse;
import io.conclave.agent.knowledge.DraftKnowledge;
import io.conclave.agent.typed.Codec;
import io.conclave.agent.typed.Kind;
import io.conclave.model.crdt.Crdt;
import io.conclave.model.crdt.HybridClock;
import io.conclave.model.eventlog.Decision;
import io.conclave.model.eventlog.EventLog;
import io.conclave.model.eventlog.StateFold;
import io.conclave.model.journal.AgentJournal;
import io.conclave.model.journal.FoldedLog;
import io.conclave.model.knowledge.KnowledgeDelta;
import io.conclave.model.saga.SagaStep;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Runs an agent's steps and compensations in memory, as the worker would, for the agent's unit
 * tests: no Kafka, no worker. The agent's log is an {@link AgentJournal} as on the worker: a run
 * works on a draft, which is accepted when the run returns and dropped when it throws, so a run
 * that throws leaves nothing behind (as an attempt the worker retries).
 *
 * <pre>{@code
 * var model = ScriptedModel.answering("{\"title\":\"Rayleigh\",\"sources\":[\"a\"]}");
 * var kit = AgentTestKit.of(new ResearchAgent()).withModel(model);
 * Run<Notes> run = kit.act("gather", new Query("Why is the sky blue?"));
 * assertThat(run.decision(Found.class).title()).isEqualTo("Rayleigh");
 * assertThat(kit.state().found()).isEqualTo(1);
 * }</pre>
 *
 * <p>After every run it checks what the worker relies on, and fails with an {@link AssertionError}
 * otherwise: the fold did not change the state it was given, the state survives its fold's encoding
 * ({@code decode(encode(s))} equals {@code s}), and folding the whole log again from the initial
 * state gives the same state (the fold is deterministic).
 *
 * <p>Model calls go to the model given ({@link ScriptedModel}; by default one with an empty script,
 * which fails the test at the first call) and are recorded in the log as a {@value
 * DecisionKinds#MODEL_CALL} decision naming the model, whose payload here is the answer's text (the
 * worker writes its call ledger's entry instead). Knowledge updates are recorded as the worker
 * records them, on a fixed clock, with no other agent's updates observed. Side effects run and
 * their names are recorded; {@link #withoutEffects} only records them, as a re-drive does.
 *
 * <p>Not thread-safe: a test's fixture.
 *
 * @param <S> the agent's state type
 */
public final class AgentTestKit<S> {
  /** The time every decision is stamped with, unless {@link #at} says otherwise. */
  public static final Instant EPOCH = Instant.parse("2026-01-01T00:00:00Z");

  private final Agent<S> agent;
  private final StateFold<S> fold;
  private final AgentJournal<S> journal;
  private final List<Decision> decisions = new ArrayList<>();
  private final List<String> effects = new ArrayList<>();
  private LlmClient model = new ScriptedModel("scripted");
  private Clock clock = Clock.fixed(EPOCH, ZoneOffset.UTC);
  private HybridClock stamps = new HybridClock(clock);
  private boolean effectsOn = true;
  private String sagaId = "saga-1";
  private int nextStep;

  private AgentTestKit(Agent<S> agent) {
    this.agent = Objects.requireNonNull(agent, "agent");
    this.fold = Objects.requireNonNull(agent.fold(), () -> agent.type() + " has no fold");
    this.journal =
        new AgentJournal<>(agent.type() + "-0", fold, FoldedLog.empty(fold.initial()), 0);
  }

  /** A kit for {@code agent}, whose instance is {@code <type>-0} and whose log is empty. */
  public static <S> AgentTestKit<S> of(Agent<S> agent) {
    return new AgentTestKit<>(agent);
  }

  /** Model calls go to {@code model} from now on. */
  public AgentTestKit<S> withModel(LlmClient model) {
    this.model = Objects.requireNonNull(model, "model");
    return this;
  }

  /** Side effects are recorded, not run, from now on (as in a re-drive). */
  public AgentTestKit<S> withoutEffects() {
    this.effectsOn = false;
    return this;
  }

  /** Decisions and knowledge writes are stamped with {@code clock} from now on. */
  public AgentTestKit<S> at(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.stamps = new HybridClock(clock);
    return this;
  }

  /** The saga of the next runs (default {@code saga-1}). */
  public AgentTestKit<S> inSaga(String sagaId) {
    this.sagaId = Objects.requireNonNull(sagaId, "sagaId");
    return this;
  }

  /**
   * Runs the next step of the saga, of action {@code action}, without an input mapping: its input
   * is {@code input} as the previous stage's output ({@link Codec#textOf its text}).
   */
  public Run<S> act(String action, Object input) {
    return act(new SagaStep(agent.type(), action, "", ""), input);
  }

  /** Runs {@code step} as the next step of the saga, with {@code input} as the previous output. */
  public Run<S> act(SagaStep step, Object input) {
    return act(new StepRequest(sagaId, "task-1", nextStep, step, Codec.textOf(input), 0));
  }

  /** Runs {@code request}; a throw leaves the log as it was and goes to the caller. */
  public Run<S> act(StepRequest request) {
    nextStep = Math.max(nextStep, request.stepIndex() + 1);
    return run(
        request.step(),
        request.stepIndex(),
        request.sagaId(),
        (context) -> agent.act(request, context));
  }

  /**
   * Undoes the step {@code done} ran with the compensation {@code compensation}, because of {@code
   * reason}: the compensation gets its output (empty if it failed).
   */
  public Run<S> compensate(Run<S> done, String compensation, String reason) {
    SagaStep s = done.step();
    var undone =
        new SagaStep(s.agentType(), s.action(), s.input(), compensation, s.parallel(), s.policy());
    String output = done.result() instanceof StepResult.Completed c ? c.output() : "";
    return compensate(
        new CompensationRequest(sagaId, "task-1", done.stepIndex(), undone, output, reason, 1));
  }

  /** Runs {@code request}; a throw leaves the log as it was and goes to the caller. */
  public Run<S> compensate(CompensationRequest request) {
    return run(
        request.step(),
        request.stepIndex(),
        request.sagaId(),
        (context) -> agent.compensate(request, context));
  }

  private Run<S> run(
      SagaStep step,
      int stepIndex,
      String saga,
      java.util.function.Function<AgentContext<S>, StepResult> body) {
    var draft =
        journal.begin(
            new AgentJournal.Origin(
                Optional.of(saga), Optional.of(stepIndex), clock.instant(), Optional.empty()));
    S before = journal.state();
    String beforeText = fold.encode(before);
    var context = new Context(draft);
    StepResult result =
        Objects.requireNonNull(body.apply(context), () -> agent.type() + " returned no result");
    List<Decision> appended = journal.accept(draft);
    decisions.addAll(appended);
    effects.addAll(context.effects);
    if (!fold.encode(before).equals(beforeText)) {
      throw new AssertionError(
          fold.id() + ": apply changed the state it was given (return a new state instead)");
    }
    checkFold();
    return new Run<>(step, stepIndex, result, appended, journal.state(), context.effects);
  }

  private void checkFold() {
    S state = journal.state();
    S decoded = fold.decode(fold.encode(state));
    if (!decoded.equals(state)) {
      throw new AssertionError(
          fold.id()
              + ": the state does not survive its encoding: "
              + state
              + " came back as "
              + decoded);
    }
    S refolded = fold.initial();
    for (Decision d : decisions) {
      refolded = fold.apply(refolded, d);
    }
    if (!refolded.equals(state)) {
      throw new AssertionError(
          fold.id()
              + ": folding the log again gives "
              + refolded
              + ", not "
              + state
              + " (is apply pure, and are states immutable values with equals?)");
    }
  }

  /** The agent's state: the fold of every decision so far. */
  public S state() {
    return journal.state();
  }

  /** Every decision of the runs so far, in order. */
  public List<Decision> decisions() {
    return List.copyOf(decisions);
  }

  /** The decisions of {@code type}'s {@link Kind} so far, decoded, in order. */
  public <D> List<D> decisions(Class<D> type) {
    return decoded(decisions, type);
  }

  /** The names of every side effect asked for so far, in order. */
  public List<String> effects() {
    return List.copyOf(effects);
  }

  /** The agent's own knowledge of {@code key}: the merge of its updates so far. */
  public Optional<Crdt> knowledge(String key) {
    return journal.knowledge().get(KnowledgeDelta.key(key));
  }

  static <D> List<D> decoded(List<Decision> decisions, Class<D> type) {
    String kind = Kind.Of.type(type);
    Codec<D> codec = Codec.of(type);
    return decisions.stream()
        .filter(d -> d.kind().equals(kind))
        .map(d -> codec.decode(d.payload()))
        .toList();
  }

  /** The context of one run, on its draft. */
  private final class Context implements AgentContext<S> {
    private final AgentJournal.Draft<S> draft;
    private final Knowledge knowledge;
    private final List<String> effects = new ArrayList<>();
    private final LlmClient recording;

    Context(AgentJournal.Draft<S> draft) {
      this.draft = draft;
      this.knowledge = new DraftKnowledge(draft, stamps, key -> Optional.empty());
      LlmClient asked = model;
      this.recording =
          new LlmClient() {
            @Override
            public String model() {
              return asked.model();
            }

            @Override
            public ChatResponse chat(ChatRequest request) {
              ChatResponse answer =
                  Objects.requireNonNull(
                      asked.chat(request), () -> asked.model() + " answered null");
              draft.append(DecisionKinds.MODEL_CALL, answer.text(), Optional.of(answer.model()));
              return answer;
            }
          };
    }

    @Override
    public EventLog<S> log() {
      return draft;
    }

    @Override
    public LlmClient llm() {
      return recording;
    }

    @Override
    public Knowledge knowledge() {
      return knowledge;
    }

    @Override
    public void sideEffect(String name, Runnable effect) {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(effect, "effect");
      effects.add(name);
      if (effectsOn) {
        effect.run();
      }
    }
  }
}
