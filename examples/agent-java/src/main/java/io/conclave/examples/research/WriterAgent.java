package io.conclave.examples.research;

import io.conclave.agent.Agent;
import io.conclave.agent.typed.Kind;
import io.conclave.agent.typed.TypedAgent;
import io.conclave.model.eventlog.Tally;
import java.util.Objects;

/**
 * Writes and publishes a short article from the research agent's {@link Findings}: action {@code
 * draft}, compensation {@code unpublish}. It keeps no state of its own (its state counts its
 * decisions).
 */
public final class WriterAgent {
  /** The agent type: it consumes {@code conclave.commands.write}. */
  public static final String TYPE = "write";

  /** A decision: the draft was published under a key. */
  @Kind("PUBLISHED")
  public record Published(String key, String topic) {}

  private WriterAgent() {}

  /** A new writer that publishes to {@code publisher}. */
  public static Agent<Tally> create(Publisher publisher) {
    Objects.requireNonNull(publisher, "publisher");
    return TypedAgent.builder(TYPE)
        .on(
            "draft",
            Findings.class,
            (found, ctx) -> {
              String article =
                  ctx.llm()
                      .complete(
                          "Write a short article on "
                              + found.topic()
                              + " from this summary, citing "
                              + String.join(", ", found.sources())
                              + ":\n\n"
                              + found.summary());
              String key = key(ctx.request().sagaId(), ctx.request().stepIndex());
              // skipped when the saga is re-driven; keyed by the step, so every attempt of it
              // publishes under the same key, and the compensation withdraws that key
              ctx.sideEffect("publish", () -> publisher.publish(key, article));
              ctx.decide(new Published(key, found.topic()));
              return article;
            })
        .compensate(
            "unpublish",
            String.class,
            (article, ctx) -> {
              String key = key(ctx.request().sagaId(), ctx.request().stepIndex());
              ctx.sideEffect("withdraw", () -> publisher.withdraw(key));
            })
        .build();
  }

  private static String key(String sagaId, int stepIndex) {
    return sagaId + "/" + stepIndex;
  }
}
