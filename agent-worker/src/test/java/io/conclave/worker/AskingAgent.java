package io.conclave.worker;

import io.conclave.core.StateFold;
import io.conclave.core.Tally;

/** A test agent of type {@code research} whose step asks the model its input and completes with the answer. */
final class AskingAgent implements Agent<Tally> {
  static final AskingAgent INSTANCE = new AskingAgent();

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
    return new StepResult.Completed(context.llm().complete(request.input()));
  }
}
