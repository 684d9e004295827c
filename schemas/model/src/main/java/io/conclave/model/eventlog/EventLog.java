package io.conclave.model.eventlog;

/**
 * An agent's own event log, as the agent sees it while it works: its state, and the decisions it
 * appends.
 *
 * <p>Appending does not write anything yet: the decisions of a step are written together, in the
 * Kafka transaction that also records the step's outcome and commits its command, so they land
 * exactly once with the step or not at all. Each appended decision gets the agent's next sequence
 * number and is folded into {@link #state()} at once. Not thread-safe: one step, one thread.
 *
 * @param <S> the agent's state type (see {@link StateFold})
 */
public interface EventLog<S> {
  /** The agent whose log this is, e.g. {@code research-2}. */
  String agentId();

  /** The fold of every decision of the agent so far, including those appended in this step. */
  S state();

  /** The sequence number the next appended decision gets. */
  long nextSequence();

  /**
   * Records a decision.
   *
   * @param kind what was decided, e.g. {@code STEP_RESULT}; not blank
   * @param payload what the decision says; not null
   * @return the decision as it will be written
   * @throws IllegalArgumentException if kind is blank
   */
  Decision append(String kind, String payload);
}
