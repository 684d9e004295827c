package io.conclave.model.eventlog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.conclave.model.CheckedMap;
import io.conclave.model.Require;
import java.util.Map;
import java.util.TreeMap;

/**
 * The state every agent has even when it declares none: how many decisions of each kind it has
 * taken. Immutable.
 *
 * @param byKind decisions per kind, in kind order
 */
public record Tally(Map<String, Long> byKind) {
  private static final ObjectMapper JSON = new ObjectMapper();
  public static final Tally EMPTY = new Tally(Map.of());

  /** The fold of {@link Tally}: counts each decision under its kind. */
  public static final StateFold<Tally> FOLD =
      new StateFold<>() {
        @Override
        public String id() {
          return "tally/1";
        }

        @Override
        public Tally initial() {
          return EMPTY;
        }

        @Override
        public Tally apply(Tally state, Decision decision) {
          return state.plus(decision.kind());
        }

        @Override
        public String encode(Tally state) {
          try {
            return JSON.writeValueAsString(state.byKind());
          } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of strings to numbers is always JSON", e);
          }
        }

        @Override
        public Tally decode(String encoded) {
          try {
            return new Tally(JSON.readValue(encoded, new TypeReference<Map<String, Long>>() {}));
          } catch (JsonProcessingException | RuntimeException e) {
            throw new IllegalArgumentException("not a tally of decisions: " + e.getMessage(), e);
          }
        }
      };

  public Tally {
    // a replay folds a tally per decision: counts already checked are not copied and checked again
    if (!(byKind instanceof CheckedMap)) {
      TreeMap<String, Long> counts = new TreeMap<>(Require.present(byKind, "byKind"));
      counts.forEach(
          (kind, n) ->
              Require.notNegative(Require.present(n, "count of " + kind), "count of " + kind));
      byKind = new CheckedMap<>(counts);
    }
  }

  /** The number of decisions of every kind. */
  public long total() {
    return byKind.values().stream().mapToLong(Long::longValue).sum();
  }

  public long count(String kind) {
    return byKind.getOrDefault(kind, 0L);
  }

  Tally plus(String kind) {
    // byKind is always a CheckedMap, whose sorted map copies in linear time
    var next = ((CheckedMap<Long>) byKind).copy();
    next.merge(kind, 1L, Long::sum);
    return new Tally(new CheckedMap<>(next));
  }
}
