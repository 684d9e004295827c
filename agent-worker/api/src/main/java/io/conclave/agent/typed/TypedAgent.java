package io.conclave.agent.typed;

import io.conclave.agent.Agent;
import io.conclave.agent.AgentContext;
import io.conclave.agent.CompensationRequest;
import io.conclave.agent.DecisionKinds;
import io.conclave.agent.StepRequest;
import io.conclave.agent.StepResult;
import io.conclave.model.eventlog.StateFold;
import io.conclave.model.eventlog.Tally;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * An {@link Agent} made of typed actions: each action of the saga's steps ({@code step.action()})
 * has a handler that takes a typed input and returns a typed output, and each compensation ({@code
 * step.compensation()}) a handler that takes the undone step's typed output. The worker runs it as
 * any other agent.
 *
 * <pre>{@code
 * Agent<Notes> agent =
 *     TypedAgent.builder("research", FOLD)
 *         .on("gather", Query.class, (query, ctx) -> new Sources(...))
 *         .compensate("discard", Sources.class, (sources, ctx) -> ...)
 *         .build();
 * }</pre>
 *
 * <p>Inputs, outputs and decisions are encoded by {@link Codec}: text stays text, anything else is
 * JSON. An action's input is the step's rendered input mapping when the saga gives the step one,
 * else the previous stage's output (the task's prompt for the first stage): the output of a typed
 * step is the input of the next.
 *
 * <p>What a handler's outcome becomes:
 *
 * <ul>
 *   <li>an action returns its output: {@link StepResult.Completed} with it encoded;
 *   <li>{@link StepFailure}: {@link StepResult.Failed} with its message; nothing is retried;
 *   <li>an action or compensation the agent does not have, or an input that does not decode: an
 *       {@link IllegalArgumentException} naming what the agent has (the worker dead-letters a
 *       step's command at once; a compensation is tried again, then parked on the dead-letter
 *       topic);
 *   <li>any other exception: transient, as for any agent (retried with backoff, then the step
 *       fails).
 * </ul>
 *
 * <p>A compensation that returns records a {@value DecisionKinds#COMPENSATION} decision, as an
 * agent's default compensation does, so the log shows every undo.
 *
 * <p>Immutable once built; as any agent, called from one thread per agent instance.
 *
 * @param <S> the agent's state type
 */
public final class TypedAgent<S> implements Agent<S> {
  /**
   * A typed action.
   *
   * @param <S> the agent's state type
   * @param <I> the input type
   * @param <O> the output type
   */
  @FunctionalInterface
  public interface Action<S, I, O> {
    /**
     * Runs the step.
     *
     * @return the step's output; not null
     * @throws StepFailure if the step cannot be done
     */
    O run(I input, ActionContext<S> context);
  }

  /**
   * A typed compensation.
   *
   * @param <S> the agent's state type
   * @param <O> the type of the undone step's output
   */
  @FunctionalInterface
  public interface Compensation<S, O> {
    /**
     * Undoes a step.
     *
     * @param output what the step produced, or empty if it failed (it may have half-happened)
     * @throws StepFailure if the step cannot be undone (the shard leader tries again, then parks
     *     the compensation on the dead-letter topic)
     */
    void undo(Optional<O> output, CompensationContext<S> context);
  }

  private final String type;
  private final StateFold<S> fold;
  private final Map<String, Function<ActionCall<S>, StepResult>> actions;
  private final Map<String, Function<CompensationCall<S>, StepResult>> compensations;

  private record ActionCall<S>(StepRequest request, AgentContext<S> context) {}

  private record CompensationCall<S>(CompensationRequest request, AgentContext<S> context) {}

  private TypedAgent(Builder<S> b) {
    this.type = b.type;
    this.fold = b.fold;
    this.actions = Map.copyOf(b.actions);
    this.compensations = Map.copyOf(b.compensations);
  }

  /**
   * An agent of {@code type} whose state is the fold {@code fold}.
   *
   * @throws IllegalArgumentException if {@code type} is blank
   */
  public static <S> Builder<S> builder(String type, StateFold<S> fold) {
    return new Builder<>(type, fold);
  }

  /** An agent of {@code type} without state of its own: its state counts its decisions. */
  public static Builder<Tally> builder(String type) {
    return new Builder<>(type, Tally.FOLD);
  }

  @Override
  public String type() {
    return type;
  }

  @Override
  public StateFold<S> fold() {
    return fold;
  }

  /** The actions this agent runs, in name order. */
  public SortedSet<String> actions() {
    return new TreeSet<>(actions.keySet());
  }

  /** The compensations this agent runs, in name order. */
  public SortedSet<String> compensations() {
    return new TreeSet<>(compensations.keySet());
  }

  @Override
  public StepResult act(StepRequest request, AgentContext<S> context) {
    return handler(actions, "action", request.step().action())
        .apply(new ActionCall<>(request, context));
  }

  @Override
  public StepResult compensate(CompensationRequest request, AgentContext<S> context) {
    return handler(compensations, "compensation", request.step().compensation())
        .apply(new CompensationCall<>(request, context));
  }

  /**
   * The handler of {@code name}, or an IllegalArgumentException (a dead letter) naming the known.
   */
  private <H> H handler(Map<String, H> handlers, String what, String name) {
    H handler = handlers.get(name);
    if (handler == null) {
      throw new IllegalArgumentException(
          type
              + " has no "
              + what
              + " '"
              + name
              + "'; its "
              + what
              + "s: "
              + new TreeSet<>(handlers.keySet()));
    }
    return handler;
  }

  @Override
  public String toString() {
    return "TypedAgent[" + type + ", actions " + actions() + "]";
  }

  /** The text an action's input is decoded from (see the class comment). */
  static String inputOf(StepRequest request) {
    return request.step().input().isEmpty() ? request.input() : request.step().input();
  }

  private static String encodeOutput(Object output, String action) {
    if (output == null) {
      throw new IllegalStateException("action " + action + " returned null");
    }
    return Codec.textOf(output);
  }

  /** Collects a typed agent's actions and compensations. Not thread-safe. */
  public static final class Builder<S> {
    private final String type;
    private final StateFold<S> fold;
    private final Map<String, Function<ActionCall<S>, StepResult>> actions = new LinkedHashMap<>();
    private final Map<String, Function<CompensationCall<S>, StepResult>> compensations =
        new LinkedHashMap<>();

    private Builder(String type, StateFold<S> fold) {
      if (type == null || type.isBlank()) {
        throw new IllegalArgumentException("an agent type is not blank");
      }
      this.type = type;
      this.fold = Objects.requireNonNull(fold, "fold");
    }

    /**
     * Runs {@code handler} for the steps whose action is {@code action}, its input decoded as an
     * {@code input}.
     *
     * @throws IllegalArgumentException if the agent already has the action
     */
    public <I, O> Builder<S> on(String action, Class<I> input, Action<S, I, O> handler) {
      Codec<I> codec = Codec.of(input);
      Objects.requireNonNull(handler, "handler");
      return register(
          actions,
          "action",
          action,
          call -> {
            I decoded;
            try {
              decoded = codec.decode(inputOf(call.request()));
            } catch (IllegalArgumentException e) {
              throw new IllegalArgumentException(
                  type + "." + action + " takes a " + input.getSimpleName() + ": " + e.getMessage(),
                  e);
            }
            try {
              O output = handler.run(decoded, new ActionContext<>(call.request(), call.context()));
              return new StepResult.Completed(encodeOutput(output, type + "." + action));
            } catch (StepFailure e) {
              return new StepResult.Failed(e.getMessage());
            }
          });
    }

    /**
     * Runs {@code handler} for the compensations named {@code compensation}, the undone step's
     * output decoded as an {@code output} (empty when the step produced none).
     *
     * @throws IllegalArgumentException if the agent already has the compensation
     */
    public <O> Builder<S> compensate(
        String compensation, Class<O> output, Compensation<S, O> handler) {
      Codec<O> codec = Codec.of(output);
      Objects.requireNonNull(handler, "handler");
      return register(
          compensations,
          "compensation",
          compensation,
          call -> {
            var request = call.request();
            Optional<O> undone =
                request.output().isEmpty()
                    ? Optional.empty()
                    : Optional.of(codec.decode(request.output()));
            String what = compensation + " of step " + request.stepIndex();
            try {
              handler.undo(undone, new CompensationContext<>(request, call.context()));
            } catch (StepFailure e) {
              return new StepResult.Failed(e.getMessage());
            }
            call.context().log().append(DecisionKinds.COMPENSATION, what);
            return new StepResult.Completed(what);
          });
    }

    private <C> Builder<S> register(Map<String, C> handlers, String what, String name, C handler) {
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException("an " + what + "'s name is not blank");
      }
      if (handlers.putIfAbsent(name, handler) != null) {
        throw new IllegalArgumentException(type + " already has the " + what + " '" + name + "'");
      }
      return this;
    }

    /**
     * The agent.
     *
     * @throws IllegalStateException if it has no action
     */
    public TypedAgent<S> build() {
      if (actions.isEmpty()) {
        throw new IllegalStateException(type + " has no action");
      }
      return new TypedAgent<>(this);
    }
  }
}
