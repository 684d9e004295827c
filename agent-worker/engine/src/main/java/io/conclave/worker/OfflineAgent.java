package io.conclave.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.conclave.agent.Agent;
import io.conclave.agent.AgentContext;
import io.conclave.agent.StepRequest;
import io.conclave.agent.StepResult;
import io.conclave.model.eventlog.Decision;
import io.conclave.model.eventlog.StateFold;
import io.conclave.models.Digests;
import io.conclave.models.ModelCall;
import java.io.IOException;
import java.util.Objects;

/**
 * The deterministic agent used when no agent is configured: it asks the model once per step and
 * records its result. The same history and request always give the same output, so sagas, replays
 * and tests are reproducible.
 *
 * <p>Its state ({@link Memory}) counts its steps and model calls and chains a digest over its
 * results, so that its output ({@code <type>.<action>#<n>[<digest>]: <step input> <- <input>}, n
 * being the agent's n-th step) shows that the agent works on the state its log folds to, across
 * crashes and moves. Each step also counts itself in the shared knowledge key {@code steps.<type>}.
 */
public final class OfflineAgent implements Agent<OfflineAgent.Memory> {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * What an offline agent remembers.
   *
   * @param steps results it has recorded
   * @param modelCalls model calls it has recorded
   * @param chain digest chained over its results in order ("" before the first)
   */
  public record Memory(long steps, long modelCalls, String chain) {
    public static final Memory EMPTY = new Memory(0, 0, "");

    public Memory {
      Objects.requireNonNull(chain, "chain");
    }
  }

  /** The fold of an offline agent's decisions into its {@link Memory}. */
  public static final StateFold<Memory> FOLD =
      new StateFold<>() {
        @Override
        public String id() {
          return "offline-agent/1";
        }

        @Override
        public Memory initial() {
          return Memory.EMPTY;
        }

        @Override
        public Memory apply(Memory m, Decision d) {
          if (StepEngine.RESULT_DECISION.equals(d.kind())) {
            return new Memory(m.steps() + 1, m.modelCalls(), Digests.of(m.chain(), d.payload()));
          }
          if (ModelCall.KIND.equals(d.kind())) {
            return new Memory(m.steps(), m.modelCalls() + 1, m.chain());
          }
          return m;
        }

        @Override
        public String encode(Memory m) {
          return JSON.createObjectNode()
              .put("steps", m.steps())
              .put("modelCalls", m.modelCalls())
              .put("chain", m.chain())
              .toString();
        }

        @Override
        public Memory decode(String encoded) {
          try {
            JsonNode n = JSON.readTree(encoded);
            if (n == null
                || !n.path("steps").canConvertToLong()
                || !n.path("modelCalls").canConvertToLong()
                || !n.path("chain").isTextual()) {
              throw new IllegalArgumentException("not an offline agent's memory: " + encoded);
            }
            return new Memory(
                n.get("steps").asLong(), n.get("modelCalls").asLong(), n.get("chain").asText());
          } catch (IOException e) {
            throw new IllegalArgumentException(
                "not an offline agent's memory: " + e.getMessage(), e);
          }
        }
      };

  private final String type;

  public OfflineAgent(String type) {
    this.type = Objects.requireNonNull(type, "type");
  }

  @Override
  public String type() {
    return type;
  }

  @Override
  public StateFold<Memory> fold() {
    return FOLD;
  }

  @Override
  public StepResult act(StepRequest request, AgentContext<Memory> context) {
    long n = context.log().state().steps() + 1;
    String answer =
        context
            .llm()
            .complete(
                type
                    + "."
                    + request.step().action()
                    + ": "
                    + request.step().input()
                    + "\n\n"
                    + request.input());
    String output =
        type
            + "."
            + request.step().action()
            + "#"
            + n
            + "["
            + Digests.of(request.step().action(), request.step().input(), request.input(), answer)
            + "]: "
            + request.step().input()
            + " <- "
            + abbreviate(request.input());
    context.knowledge().increment("steps." + type);
    context.log().append(StepEngine.RESULT_DECISION, output);
    return new StepResult.Completed(output);
  }

  private static String abbreviate(String s) {
    return s.length() <= 80 ? s : s.substring(0, 77) + "...";
  }
}
