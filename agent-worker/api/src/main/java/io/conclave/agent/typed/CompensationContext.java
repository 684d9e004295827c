package io.conclave.agent.typed;

import io.conclave.agent.AgentContext;
import io.conclave.agent.CompensationRequest;
import java.util.Objects;

/**
 * The context of a typed compensation: a {@link TypedContext} and the step it undoes.
 *
 * @param <S> the agent's state type
 */
public final class CompensationContext<S> extends TypedContext<S> {
  private final CompensationRequest request;

  CompensationContext(CompensationRequest request, AgentContext<S> context) {
    super(context);
    this.request = Objects.requireNonNull(request, "request");
  }

  /** The compensation as it came: the step undone, its output, why the saga compensates. */
  public CompensationRequest request() {
    return request;
  }

  /** Why the saga compensates. */
  public String reason() {
    return request.reason();
  }

  @Override
  public String idempotencyKey() {
    return request.idempotencyKey();
  }
}
