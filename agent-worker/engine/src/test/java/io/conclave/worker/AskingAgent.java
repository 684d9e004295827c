package io.conclave.worker;

import io.conclave.agent.Agent;
import io.conclave.agent.AgentContext;
import io.conclave.agent.StepRequest;
import io.conclave.agent.StepResult;
import io.conclave.model.eventlog.StateFold;
import io.conclave.model.eventlog.Tally;
import java.util.function.BiFunction;

/**
 * A test agent of type {@code research}, its state the tally of its decisions, whose step is a
 * function.
 */
final class AskingAgent implements Agent<Tally> {
  /** Asks the model its input and completes with the answer. */
  static final AskingAgent INSTANCE =
      new AskingAgent(
          (request, context) -> new StepResult.Completed(context.llm().complete(request.input())));

  private final BiFunction<StepRequest, AgentContext<Tally>, StepResult> step;

  AskingAgent(BiFunction<StepRequest, AgentContext<Tally>, StepResult> step) {
    this.step = step;
  }

  @Override
  public String type() {
    return "research";
  }

  @Override
  public StateFold<Tally> fold() {
    return Tally.FOLD;
  }

  @Override
  public StepResult act(StepRequest request, AgentContext<Tally> context) {
    return step.apply(request, context);
  }
}
