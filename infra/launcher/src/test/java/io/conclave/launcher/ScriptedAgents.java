package io.conclave.launcher;

import io.conclave.core.StateFold;
import io.conclave.core.Tally;
import io.conclave.worker.Agent;
import io.conclave.worker.AgentContext;
import io.conclave.worker.AgentProvider;
import io.conclave.worker.CompensationRequest;
import io.conclave.worker.StepEngine;
import io.conclave.worker.StepRequest;
import io.conclave.worker.StepResult;
import java.util.Optional;

/**
 * Test agents for the agent types starting with {@value #PREFIX}, whose behaviour the saga's plan scripts by action
 * name: {@code ok...} completes, {@code fail...} fails, {@code sleep-<ms>...} sleeps that long first; a compensation
 * named {@code undo-fails...} always fails, any other undoes. Every step and compensation is an effect on the
 * {@link EffectLedger}, keyed by its idempotency key.
 */
public final class ScriptedAgents implements AgentProvider {
  static final String PREFIX = "fx-";

  @Override
  public Optional<Agent<?>> agent(String agentType) {
    return agentType.startsWith(PREFIX) ? Optional.of(new Scripted(agentType)) : Optional.empty();
  }

  static final class Scripted implements Agent<Tally> {
    private final String type;

    Scripted(String type) {
      this.type = type;
    }

    @Override
    public String type() {
      return type;
    }

    @Override
    public StateFold<Tally> fold() {
      return Tally.FOLD;
    }

    @Override
    public StepResult act(StepRequest request, AgentContext<Tally> context) {
      String action = request.step().action();
      String what = type + "." + action + " step " + request.stepIndex() + " of " + request.sagaId();
      context.sideEffect("effect", () -> EffectLedger.record(request.idempotencyKey(), what));
      if (action.startsWith("sleep-")) {
        try {
          Thread.sleep(Long.parseLong(action.substring("sleep-".length()).split("-")[0]));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while sleeping: the step's attempt timed out");
        }
      }
      if (action.startsWith("fail")) {
        context.log().append(StepEngine.FAILURE_DECISION + "_SCRIPTED", what);
        return new StepResult.Failed("scripted failure of " + what);
      }
      String output = type + "." + action + " done [input: " + request.step().input() + "] <- " + request.input();
      context.log().append(StepEngine.RESULT_DECISION, output);
      return new StepResult.Completed(output);
    }

    @Override
    public StepResult compensate(CompensationRequest request, AgentContext<Tally> context) {
      String what = type + "." + request.step().compensation() + " undo of step " + request.stepIndex() + " of "
          + request.sagaId();
      context.sideEffect("undo", () -> EffectLedger.record(request.idempotencyKey(), what));
      if (request.step().compensation().startsWith("undo-fails")) {
        return new StepResult.Failed("scripted compensation failure of " + what);
      }
      context.log().append(StepEngine.COMPENSATION_DECISION, what);
      return new StepResult.Completed("undone");
    }
  }
}
