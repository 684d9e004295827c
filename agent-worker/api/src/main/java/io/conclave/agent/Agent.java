package io.conclave.agent;

import io.conclave.model.eventlog.StateFold;

/**
 * What an agent author implements: one step of a saga, given its input, its own state and its event
 * log. An agent does not touch Kafka; Conclave writes the decisions it appends and routes the saga
 * on, exactly once.
 *
 * <p>An agent's state is not stored: it is the {@linkplain #fold() fold} of the agent's decisions.
 * Conclave rebuilds it whenever the agent instance moves to another worker (from its latest
 * snapshot plus the decisions after it), answers {@code GET /agents/{id}/state} with it, and
 * re-drives the agent over a recorded saga with it.
 *
 * <p>{@link #act} may be called again for the same step after a crash or a transient failure (the
 * {@link StepRequest#idempotencyKey()} is the same); appends of an attempt that did not complete
 * are discarded. An effect outside Kafka goes through {@link AgentContext#sideEffect} and should be
 * keyed by the idempotency key. Implementations are called from one thread per agent instance.
 *
 * @param <S> the agent's state type
 */
public interface Agent<S> {
  /** The agent type this agent serves; it names the command topic it consumes. */
  String type();

  /**
   * How the agent's state follows from its decisions. Agents without state of their own can use
   * {@code Tally.FOLD}.
   */
  StateFold<S> fold();

  /**
   * Runs one step. Decisions go to {@code context.log()}; model calls through {@code context.llm()}
   * are recorded there too.
   *
   * <p>What the worker does with what {@code act} throws:
   *
   * <ul>
   *   <li>{@link IllegalArgumentException}: the request can never succeed, whatever the retries
   *       (its input breaks a rule of the agent). It is not retried, nothing the attempt appended
   *       is kept, and the command goes to the dead-letter topic (the worker turns it into a {@code
   *       PoisonRecordException}); the worker carries on with the next command. Throw it only for
   *       the input: an {@code IllegalArgumentException} a library throws for any other reason
   *       dead-letters the command just the same, so catch it where it means something else.
   *   <li>any other {@link RuntimeException} ({@code NullPointerException} and {@code
   *       PoisonRecordException} included): a failure that may pass. The call is retried with
   *       backoff, up to the step's {@code maxAttempts}, each attempt bounded by a timeout; once
   *       they are spent, the step fails ({@link StepResult.Failed} naming the exception) and the
   *       saga compensates. A model call that its own pipeline gave up on (retries spent, breaker
   *       open) is not retried: the step fails at once.
   * </ul>
   *
   * @return {@link StepResult.Completed} with the output for the next step, or {@link
   *     StepResult.Failed}
   * @throws IllegalArgumentException if the request can never succeed (the command is
   *     dead-lettered)
   * @throws RuntimeException for a transient failure (the call is retried with backoff, then the
   *     step fails)
   */
  StepResult act(StepRequest request, AgentContext<S> context);

  /**
   * Undoes a step of this agent type ({@code request.step().compensation()} names the action),
   * after a later step of the saga failed, its deadline passed or an approval was rejected.
   * Compensations of a saga run one after the other, latest step first. Like {@link #act}, it may
   * run again after a crash (same idempotency key).
   *
   * <p>The default records that there was nothing to undo: override it when {@link #act} has
   * effects.
   *
   * @return {@link StepResult.Completed} once undone; {@link StepResult.Failed} (or a
   *     RuntimeException) makes the shard leader try again with backoff and, after the step's
   *     attempts, park the compensation on the dead-letter topic
   */
  default StepResult compensate(CompensationRequest request, AgentContext<S> context) {
    context
        .log()
        .append(
            DecisionKinds.COMPENSATION,
            request.step().compensation()
                + " of step "
                + request.stepIndex()
                + ": nothing to undo");
    return new StepResult.Completed("nothing to undo");
  }
}
