package io.conclave.model.knowledge;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.conclave.model.Require;
import io.conclave.model.crdt.Crdt;
import io.conclave.model.crdt.CrdtJson;
import io.conclave.model.crdt.KnowledgeType;
import io.conclave.model.eventlog.Decision;
import java.time.Instant;
import java.util.Optional;

/**
 * One update of shared knowledge: a delta-state CRDT for one knowledge key, made by one agent
 * instance (the replica) in one of its steps. It is recorded twice, in the same transaction: as a
 * {@value #DECISION} decision in the agent's own log (so the replica's view of what it contributed
 * is rebuilt with its state) and as a record of conclave.knowledge keyed by {@link #key()}, which
 * the projections merge.
 *
 * @param key the knowledge key: 1 to {@value #MAX_KEY_LENGTH} letters, digits, '-', '_' or '.'
 * @param replica the agent instance, e.g. {@code research-0}
 * @param sequence the sequence of the decision that records the update in the replica's log
 * @param sagaId the saga whose step made the update, if any
 * @param at when the update was made
 * @param delta the update, merged into the key's state; a key keeps the type of its first update
 */
public record KnowledgeDelta(
    String key, String replica, long sequence, Optional<String> sagaId, Instant at, Crdt delta) {
  /** The decision kind that records a knowledge update in the agent's log. */
  public static final String DECISION = "KNOWLEDGE";

  /** The longest knowledge key: room for an identifier (up to 128) with a prefix and a suffix. */
  public static final int MAX_KEY_LENGTH = 200;

  private static final ObjectMapper JSON = new ObjectMapper();

  public KnowledgeDelta {
    key(key);
    Require.id(replica, "replica");
    Require.notNegative(sequence, "sequence");
    Require.present(sagaId, "sagaId");
    Require.present(at, "at");
    Require.present(delta, "delta");
  }

  /**
   * Checks a knowledge key.
   *
   * @throws IllegalArgumentException saying what is wrong with it
   */
  public static String key(String key) {
    return Require.id(key, "knowledge key", MAX_KEY_LENGTH);
  }

  /** The error of an update of type {@code wanted} to a key that holds a {@code held}. */
  public static IllegalArgumentException typeConflict(
      String key, KnowledgeType held, KnowledgeType wanted) {
    return new IllegalArgumentException(
        "knowledge key '"
            + key
            + "' holds a "
            + held
            + ", so it cannot take an update of type "
            + wanted);
  }

  /**
   * The payload of the {@value #DECISION} decision of an update: {@code {"key": ..., "delta":
   * <CrdtJson>}}.
   */
  public static String payload(String key, Crdt delta) {
    ObjectNode node = JSON.createObjectNode().put("key", key(key));
    node.set("delta", CrdtJson.tree(delta));
    return node.toString();
  }

  /**
   * The update a {@value #DECISION} decision records.
   *
   * @throws IllegalArgumentException if the decision is of another kind or its payload is not an
   *     update
   */
  public static KnowledgeDelta of(Decision decision) {
    if (!decision.kind().equals(DECISION)) {
      throw new IllegalArgumentException(
          "a " + decision.kind() + " decision is not a knowledge update");
    }
    JsonNode node;
    try {
      node = JSON.readTree(decision.payload());
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "knowledge decision " + decision.key() + " is not JSON", e);
    }
    if (node == null
        || !node.path("key").isTextual()
        || !node.path("delta").isObject()
        || node.size() != 2) {
      throw new IllegalArgumentException(
          "knowledge decision " + decision.key() + " must be {\"key\": <text>, \"delta\": <CRDT>}");
    }
    return new KnowledgeDelta(
        node.get("key").asText(),
        decision.agentId(),
        decision.sequence(),
        decision.sagaId(),
        decision.at(),
        CrdtJson.decode(node.get("delta")));
  }
}
