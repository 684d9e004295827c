package io.conclave.agent;

import io.conclave.model.eventlog.EventLog;

/**
 * What an agent sees of Conclave while it runs a step. Not thread-safe: it belongs to the step's
 * thread.
 *
 * @param <S> the agent's state type
 */
public interface AgentContext<S> {
  /** The agent's event log: its state so far, and where its decisions go. */
  EventLog<S> log();

  /**
   * The model the agent asks. Every call and its answer are recorded in the agent's log (a decision
   * of kind {@value DecisionKinds#MODEL_CALL} naming the model), so that the agent can later be
   * re-driven over the recorded answers.
   */
  LlmClient llm();

  /**
   * Knowledge shared with every agent: counters, sets, registers and maps that merge without
   * coordination. Updates are written with the step, exactly once; an attempt that fails leaves
   * none.
   */
  Knowledge knowledge();

  /**
   * Performs an effect outside Kafka (an e-mail, a booking). It runs when the agent runs live; when
   * the agent is re-driven over a recorded saga it does not run, and the re-drive reports it as
   * skipped. A step may run again after a crash, so an effect that must not repeat should be keyed
   * by {@link StepRequest#idempotencyKey()}.
   *
   * @param name what the effect is, for the re-drive report
   */
  void sideEffect(String name, Runnable effect);
}
