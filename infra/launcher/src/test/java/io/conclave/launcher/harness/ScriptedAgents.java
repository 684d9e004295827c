package io.conclave.launcher.harness;

import io.conclave.agent.Agent;
import io.conclave.agent.AgentContext;
import io.conclave.agent.AgentProvider;
import io.conclave.agent.CompensationRequest;
import io.conclave.agent.StepRequest;
import io.conclave.agent.StepResult;
import io.conclave.model.eventlog.StateFold;
import io.conclave.model.eventlog.Tally;
import io.conclave.worker.StepEngine;
import java.util.Optional;

/**
 * Test agents for the agent types starting with {@value #PREFIX}, whose behaviour the saga's plan
 * scripts by action name: {@code ok...} completes, {@code fail...} fails, {@code sleep-<ms>...}
 * sleeps that long first; a compensation named {@code undo-fails...} always fails, any other
 * undoes. Every step and compensation is an effect on the {@link EffectLedger}, keyed by its
 * idempotency key. A step named {@code learn...} also updates shared knowledge ({@link #learn}) and
 * completes.
 */
public final class ScriptedAgents implements AgentProvider {
  public static final String PREFIX = "fx-";
  public static final String STEPS = "shared.steps";
  public static final String BALANCE = "shared.balance";
  public static final String SAGAS = "shared.sagas";
  public static final String LATEST = "shared.latest";
  public static final String BY_TYPE = "shared.by-type";

  @Override
  public Optional<Agent<?>> agent(String agentType) {
    return agentType.startsWith(PREFIX) ? Optional.of(new Scripted(agentType)) : Optional.empty();
  }

  public static final class Scripted implements Agent<Tally> {
    private final String type;

    public Scripted(String type) {
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
      String what =
          type + "." + action + " step " + request.stepIndex() + " of " + request.sagaId();
      context.sideEffect("effect", () -> EffectLedger.record(request.idempotencyKey(), what));
      if (action.startsWith("sleep-")) {
        try {
          Thread.sleep(Long.parseLong(action.substring("sleep-".length()).split("-")[0]));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(
              "interrupted while sleeping: the step's attempt timed out");
        }
      }
      if (action.startsWith("learn")) {
        learn(request, context.knowledge());
      }
      if (action.startsWith("fail")) {
        context.log().append(StepEngine.FAILURE_DECISION + "_SCRIPTED", what);
        return new StepResult.Failed("scripted failure of " + what);
      }
      String output =
          type
              + "."
              + action
              + " done [input: "
              + request.step().input()
              + "] <- "
              + request.input();
      context.log().append(StepEngine.RESULT_DECISION, output);
      return new StepResult.Completed(output);
    }

    /**
     * The knowledge every {@code learn} step updates: the steps run ({@value #STEPS}, a grow-only
     * counter), a balance that the first step of a saga raises by 2 and the others lower by 1
     * ({@value #BALANCE}), the sagas seen ({@value #SAGAS}, a set), the latest saga (a register)
     * and each agent type's latest saga (a map).
     */
    private void learn(StepRequest request, io.conclave.agent.Knowledge knowledge) {
      knowledge.increment(STEPS);
      knowledge.add(BALANCE, request.stepIndex() == 0 ? 2 : -1);
      knowledge.addToSet(SAGAS, request.sagaId());
      knowledge.put(LATEST, request.sagaId());
      knowledge.put(BY_TYPE, type, request.sagaId());
    }

    @Override
    public StepResult compensate(CompensationRequest request, AgentContext<Tally> context) {
      String what =
          type
              + "."
              + request.step().compensation()
              + " undo of step "
              + request.stepIndex()
              + " of "
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
