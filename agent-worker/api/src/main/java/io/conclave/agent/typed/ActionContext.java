package io.conclave.agent.typed;

import io.conclave.agent.AgentContext;
import io.conclave.agent.StepRequest;
import java.util.Objects;

/**
 * The context of a typed action: a {@link TypedContext} and the step it runs.
 *
 * @param <S> the agent's state type
 */
public final class ActionContext<S> extends TypedContext<S> {
  private final StepRequest request;

  ActionContext(StepRequest request, AgentContext<S> context) {
    super(context);
    this.request = Objects.requireNonNull(request, "request");
  }

  /** The step as it came: saga, step index, the step's input mapping and the previous output. */
  public StepRequest request() {
    return request;
  }

  @Override
  public String idempotencyKey() {
    return request.idempotencyKey();
  }
}
