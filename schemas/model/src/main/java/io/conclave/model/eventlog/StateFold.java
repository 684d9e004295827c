package io.conclave.model.eventlog;

/**
 * How an agent's state follows from its decisions: a pure left fold, {@code state = apply(...
 * apply(apply(initial(), d0), d1) ..., dn)} over the agent's log in sequence order. Conclave keeps
 * no agent state of its own: it rebuilds the state with this fold whenever an agent instance moves
 * to another worker, from the latest snapshot plus the decisions after it, and answers time-travel
 * queries with it.
 *
 * <p>Implementations must be pure and deterministic: {@link #apply} may not read a clock,
 * randomness or anything but its arguments, and must not mutate the given state (return a new one).
 * {@link #decode} must invert {@link #encode}: {@code decode(encode(s))} equals {@code s}. States
 * should be immutable values with {@code equals}. Instances are shared between threads.
 *
 * @param <S> the state type
 */
public interface StateFold<S> {
  /**
   * Names this fold and its version, e.g. {@code "offline-agent/1"}. A snapshot made by a fold of
   * another id is not used (the state is folded from the log instead), so change the id whenever
   * {@link #apply} or the encoding changes meaning.
   */
  String id();

  /** The state of an agent that has decided nothing yet. */
  S initial();

  /** The state after {@code decision}; never null. */
  S apply(S state, Decision decision);

  /** The state as text for snapshots and the HTTP API; a JSON document is shown as such. */
  String encode(S state);

  /**
   * The inverse of {@link #encode}.
   *
   * @throws IllegalArgumentException if the text is not a state of this fold
   */
  S decode(String encoded);
}
