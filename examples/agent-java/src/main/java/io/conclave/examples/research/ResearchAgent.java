package io.conclave.examples.research;

import io.conclave.agent.Agent;
import io.conclave.agent.typed.Kind;
import io.conclave.agent.typed.StepFailure;
import io.conclave.agent.typed.TypedAgent;
import io.conclave.agent.typed.TypedFold;

/**
 * Gathers sources for a question: action {@code gather} (the task's prompt in, {@link Findings}
 * out, asked of the model as structured output), compensation {@code discard}. Its state counts
 * what it gathered and discarded; each topic goes to the shared knowledge set {@code
 * research.topics}, and leaves it when discarded.
 */
public final class ResearchAgent {
  /** The agent type: it consumes {@code conclave.commands.research}. */
  public static final String TYPE = "research";

  static final String SYSTEM =
      "You are a research assistant. Name the topic of the question, up to five sources a reader"
          + " can check, and a three-sentence summary.";

  /** What the agent remembers. */
  public record Notes(long gathered, long discarded, String lastTopic) {}

  /** A decision: sources were gathered on a topic. */
  @Kind("GATHERED")
  public record Gathered(String topic, int sources) {}

  /** A decision: the findings on a topic were discarded by a compensation. */
  @Kind("DISCARDED")
  public record Discarded(String topic, String reason) {}

  /** The agent's state, folded from its decisions and encoded by Jackson. */
  public static final TypedFold<Notes> FOLD =
      TypedFold.of("research/1", Notes.class, new Notes(0, 0, ""))
          .on(Gathered.class, (n, g) -> new Notes(n.gathered() + 1, n.discarded(), g.topic()))
          .on(Discarded.class, (n, d) -> new Notes(n.gathered(), n.discarded() + 1, n.lastTopic()))
          .build();

  private ResearchAgent() {}

  /** A new research agent. */
  public static Agent<Notes> create() {
    return TypedAgent.builder(TYPE, FOLD)
        .on(
            "gather",
            String.class,
            (question, ctx) -> {
              if (question.isBlank()) {
                throw new StepFailure("there is no question to research");
              }
              Findings found = ctx.ask(SYSTEM, question, Findings.class);
              if (found.sources().isEmpty()) {
                throw new StepFailure("no source found on " + found.topic());
              }
              ctx.decide(new Gathered(found.topic(), found.sources().size()));
              ctx.knowledge().addToSet("research.topics", found.topic());
              return found;
            })
        .compensate(
            "discard",
            Findings.class,
            (found, ctx) ->
                found.ifPresent(
                    f -> {
                      ctx.decide(new Discarded(f.topic(), ctx.reason()));
                      ctx.knowledge().removeFromSet("research.topics", f.topic());
                    }))
        .build();
  }
}
