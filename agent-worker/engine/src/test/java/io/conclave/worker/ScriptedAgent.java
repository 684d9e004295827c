package io.conclave.worker;

import io.conclave.agent.Agent;
import io.conclave.agent.AgentContext;
import io.conclave.agent.StepRequest;
import io.conclave.agent.StepResult;
import io.conclave.model.eventlog.StateFold;
import io.conclave.model.eventlog.Tally;

/**
 * A test agent that does what it is told: on each call it appends {@code decisions} decisions,
 * throws while {@code throwsFirst} calls have not yet been made, then answers {@code result}.
 */
final class ScriptedAgent implements Agent<Tally> {
  private final int decisions;
  private final int throwsFirst;
  private final StepResult result;
  private int calls;

  ScriptedAgent(int decisions, int throwsFirst, StepResult result) {
    this.decisions = decisions;
    this.throwsFirst = throwsFirst;
    this.result = result;
  }

  @Override
  public String type() {
    return "scripted";
  }

  @Override
  public StateFold<Tally> fold() {
    return Tally.FOLD;
  }

  @Override
  public StepResult act(StepRequest request, AgentContext<Tally> context) {
    int call = ++calls;
    for (int i = 0; i < decisions; i++) {
      context.log().append(i == 0 ? StepEngine.RESULT_DECISION : "NOTE", "call " + call + " #" + i);
    }
    if (call <= throwsFirst) {
      throw new IllegalStateException("transient failure " + call);
    }
    return result;
  }

  int calls() {
    return calls;
  }
}
