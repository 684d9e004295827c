package io.conclave.agent.typed;

import io.conclave.model.eventlog.Decision;
import io.conclave.model.eventlog.StateFold;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiFunction;

/**
 * A {@link StateFold} over typed decisions, whose state is encoded by Jackson: the author gives the
 * initial state and, per decision type, how the state follows from a decision of that type.
 *
 * <pre>{@code
 * record Notes(long summaries) {}
 * record Summary(String text) {}
 *
 * static final TypedFold<Notes> FOLD =
 *     TypedFold.of("summarizer/1", Notes.class, new Notes(0))
 *         .on(Summary.class, (notes, summary) -> new Notes(notes.summaries() + 1))
 *         .build();
 * }</pre>
 *
 * <p>A decision of a kind no rule names leaves the state as it is (the worker's own decisions, a
 * recorded model call, a knowledge update), unless {@link Builder#onKind} names that kind. A
 * decision's payload is decoded with its type's {@link Codec}; a payload that no longer decodes is
 * an {@link IllegalStateException} naming the decision. The log keeps every decision ever written,
 * so let a decision type only grow (a component it gains reads as null from older payloads), and
 * change the fold's id when a rule changes meaning, so that snapshots of the old state are not
 * used.
 *
 * <p>Immutable and thread-safe, as a fold must be; its rules must be pure.
 *
 * @param <S> the state type: an immutable record with {@code equals}, which Jackson writes and
 *     reads
 */
public final class TypedFold<S> implements StateFold<S> {
  private final String id;
  private final Codec<S> state;
  private final S initial;
  private final Map<String, BiFunction<S, Decision, S>> rules;

  private TypedFold(Builder<S> b) {
    this.id = b.id;
    this.state = b.state;
    this.initial = b.initial;
    this.rules = Map.copyOf(b.rules);
  }

  /**
   * A fold named {@code id} (change it whenever a rule or the state's shape changes meaning) whose
   * states are {@code stateType}s, starting at {@code initial}.
   *
   * @throws IllegalArgumentException if {@code id} is blank or {@code initial} does not survive its
   *     own encoding ({@code decode(encode(initial))} differs from it)
   */
  public static <S> Builder<S> of(String id, Class<S> stateType, S initial) {
    return new Builder<>(id, Codec.of(stateType), initial);
  }

  /** Appends a typed decision to an agent's log: its kind per {@link Kind}, its payload JSON. */
  static Decision append(io.conclave.model.eventlog.EventLog<?> log, Object decision) {
    Objects.requireNonNull(decision, "decision");
    return log.append(Kind.Of.type(decision.getClass()), Codec.textOf(decision));
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public S initial() {
    return initial;
  }

  @Override
  public S apply(S current, Decision decision) {
    var rule = rules.get(decision.kind());
    return rule == null
        ? current
        : Objects.requireNonNull(
            rule.apply(current, decision),
            () -> id + " returned a null state for a " + decision.kind());
  }

  @Override
  public String encode(S s) {
    return state.encode(s);
  }

  @Override
  public S decode(String encoded) {
    return state.decode(encoded);
  }

  @Override
  public String toString() {
    return "TypedFold[" + id + ", kinds " + rules.keySet() + "]";
  }

  /** Collects a typed fold's rules. Not thread-safe. */
  public static final class Builder<S> {
    private final String id;
    private final Codec<S> state;
    private final S initial;
    private final Map<String, BiFunction<S, Decision, S>> rules = new LinkedHashMap<>();

    private Builder(String id, Codec<S> state, S initial) {
      if (id == null || id.isBlank()) {
        throw new IllegalArgumentException("a fold's id is not blank");
      }
      this.id = id;
      this.state = state;
      this.initial = Objects.requireNonNull(initial, "initial");
      // a state that does not survive its encoding would change meaning at the first snapshot
      if (!state.decode(state.encode(initial)).equals(initial)) {
        throw new IllegalArgumentException(
            "the initial "
                + state.type().getSimpleName()
                + " does not survive JSON: does it have equals, and a constructor Jackson reads?");
      }
    }

    /**
     * How a decision of {@code type} (recorded under {@link Kind.Of#type its kind}) changes the
     * state.
     *
     * @throws IllegalArgumentException if another rule already has the kind
     */
    public <D> Builder<S> on(Class<D> type, BiFunction<S, D, S> rule) {
      Codec<D> payload = Codec.of(type);
      String kind = Kind.Of.type(type);
      return onKind(
          kind,
          (s, d) -> {
            D decoded;
            try {
              decoded = payload.decode(d.payload());
            } catch (IllegalArgumentException e) {
              throw new IllegalStateException(
                  id
                      + " cannot read decision "
                      + d.sequence()
                      + " of "
                      + d.agentId()
                      + " as a "
                      + type.getSimpleName()
                      + ": "
                      + e.getMessage(),
                  e);
            }
            return rule.apply(s, decoded);
          });
    }

    /**
     * How a decision of {@code kind} changes the state, read as it is: for the kinds the worker
     * records ({@code LLM_CALL}, {@code STEP_FAILED}, ...) or a decision written as text.
     *
     * @throws IllegalArgumentException if another rule already has the kind
     */
    public Builder<S> onKind(String kind, BiFunction<S, Decision, S> rule) {
      Objects.requireNonNull(rule, "rule");
      if (kind == null || kind.isBlank()) {
        throw new IllegalArgumentException("a decision kind is not blank");
      }
      if (rules.putIfAbsent(kind, rule) != null) {
        throw new IllegalArgumentException(id + " already has a rule for decisions of " + kind);
      }
      return this;
    }

    public TypedFold<S> build() {
      return new TypedFold<>(this);
    }
  }
}
