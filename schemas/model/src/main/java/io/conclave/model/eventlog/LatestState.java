package io.conclave.model.eventlog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The state of an agent that keeps its state itself and hands it back with each step, as a remote
 * agent does: JSON text, the payload of its latest {@value #KIND} decision ({@code null} before the
 * first). The worker folds remote agents' logs with it, and so do the projections' state views.
 */
public final class LatestState {
  /** The decision kind that records the state an agent returned. */
  public static final String KIND = "STATE";

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Latest {@value #KIND} wins. */
  public static final StateFold<String> FOLD =
      new StateFold<>() {
        @Override
        public String id() {
          return "remote-agent/1";
        }

        @Override
        public String initial() {
          return "null";
        }

        @Override
        public String apply(String state, Decision decision) {
          return decision.kind().equals(KIND) ? decision.payload() : state;
        }

        @Override
        public String encode(String state) {
          return state;
        }

        @Override
        public String decode(String encoded) {
          try {
            return JSON.readTree(encoded).toString();
          } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(
                "an agent's state is not JSON: " + e.getOriginalMessage(), e);
          }
        }
      };

  private LatestState() {}
}
