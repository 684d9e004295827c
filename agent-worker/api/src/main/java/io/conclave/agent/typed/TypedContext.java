package io.conclave.agent.typed;

import io.conclave.agent.AgentContext;
import io.conclave.agent.Knowledge;
import io.conclave.agent.LlmClient;
import io.conclave.agent.chat.ChatMessage;
import io.conclave.agent.chat.ChatRequest;
import io.conclave.agent.chat.ChatResponse;
import io.conclave.model.eventlog.Decision;
import java.util.Objects;

/**
 * What a typed action or compensation sees: the agent's state, its typed decisions, the model (with
 * typed, structured answers), knowledge and side effects. A view of the step's {@link
 * AgentContext}, with the same rules: not thread-safe, it belongs to the step's thread.
 *
 * @param <S> the agent's state type
 */
public abstract sealed class TypedContext<S> permits ActionContext, CompensationContext {
  private final AgentContext<S> context;

  TypedContext(AgentContext<S> context) {
    this.context = Objects.requireNonNull(context, "context");
  }

  /** The agent's state: the fold of its decisions, this step's included. */
  public S state() {
    return context.log().state();
  }

  /**
   * Records a decision: its kind per {@link Kind} (or the type's simple name), its payload the
   * decision as JSON (or the text itself for a {@code String}, which needs {@link #decide(String,
   * String)}). It is folded into {@link #state()} at once.
   *
   * @return the decision as it will be written
   */
  public Decision decide(Object decision) {
    if (decision instanceof String) {
      throw new IllegalArgumentException("a text decision needs a kind: decide(kind, text)");
    }
    return TypedFold.append(context.log(), decision);
  }

  /** Records a decision of {@code kind} whose payload is {@code text} as it is. */
  public Decision decide(String kind, String text) {
    return context.log().append(kind, text);
  }

  /** The model, whose every call is recorded in the agent's log (see {@link AgentContext#llm}). */
  public LlmClient llm() {
    return context.llm();
  }

  /**
   * Asks the model for an answer of type {@code answer}: the request goes with {@code answer}'s
   * {@linkplain JsonSchemas#of JSON schema}, and the answer's text is decoded into it.
   *
   * @throws IllegalStateException if the answer was cut short or is not an {@code answer} (another
   *     attempt may do better: the step is retried, then fails)
   */
  public <T extends Record> T ask(ChatRequest request, Class<T> answer) {
    ChatResponse response = context.llm().chat(request.withResponseSchema(JsonSchemas.of(answer)));
    if (response.finishReason() == ChatResponse.FinishReason.LENGTH) {
      throw new IllegalStateException(
          response.model() + "'s " + answer.getSimpleName() + " was cut short (token limit)");
    }
    try {
      return Codec.of(answer).decode(response.text());
    } catch (IllegalArgumentException e) {
      // the model, not the step's input, is at fault: transient, not a dead letter
      throw new IllegalStateException(
          response.model() + " did not answer a " + answer.getSimpleName() + ": " + e.getMessage(),
          e);
    }
  }

  /** Asks the model, with a system prompt, for an answer of type {@code answer}. */
  public <T extends Record> T ask(String system, String user, Class<T> answer) {
    return ask(ChatRequest.of(ChatMessage.system(system), ChatMessage.user(user)), answer);
  }

  /** Knowledge shared with every agent (see {@link AgentContext#knowledge}). */
  public Knowledge knowledge() {
    return context.knowledge();
  }

  /**
   * An effect outside Kafka, skipped when the agent is re-driven (see {@link
   * AgentContext#sideEffect}); key it by {@link #idempotencyKey()}.
   */
  public void sideEffect(String name, Runnable effect) {
    context.sideEffect(name, effect);
  }

  /** The same for every delivery of this attempt: the key for effects outside Kafka. */
  public abstract String idempotencyKey();

  /** The untyped context, for what this view does not offer. */
  public AgentContext<S> untyped() {
    return context;
  }
}
