package io.conclave.model.eventlog;

import io.conclave.model.Require;
import java.time.Instant;
import java.util.Optional;

/**
 * One decision of an agent: the unit of Conclave's event log. An agent's state is the fold of its
 * decisions.
 *
 * @param sagaId the saga the decision belongs to, if any
 * @param stepIndex the saga step it was taken in, if any
 * @param kind what was decided, e.g. {@code PLAN} or {@code STEP_RESULT}
 * @param leaderEpoch the epoch of the shard leader that decided, for decisions of a leader
 * @param model the model whose answer this decision records, when a model answered (schema v2;
 *     absent in decisions written before)
 * @param knowledge the knowledge update a {@value KnowledgeUpdate#KIND} decision records (schema
 *     v3), present in no decision of another kind. The decisions of that kind written before carry
 *     it only in their payload, as JSON; whoever reads them from the wire fills it in
 */
public record Decision(
    DecisionKey key,
    Optional<String> sagaId,
    Optional<Integer> stepIndex,
    String kind,
    String payload,
    Instant at,
    Optional<Long> leaderEpoch,
    Optional<String> model,
    Optional<KnowledgeUpdate> knowledge) {
  public Decision {
    Require.present(key, "key");
    Require.present(sagaId, "sagaId");
    Require.present(stepIndex, "stepIndex");
    Require.text(kind, "kind");
    Require.present(payload, "payload");
    Require.present(at, "at");
    Require.present(leaderEpoch, "leaderEpoch");
    Require.present(model, "model");
    Require.present(knowledge, "knowledge");
    if (knowledge.isPresent() && !kind.equals(KnowledgeUpdate.KIND)) {
      throw new IllegalArgumentException(
          "only a " + KnowledgeUpdate.KIND + " decision records a knowledge update, not a " + kind);
    }
  }

  /** A decision that records no knowledge update. */
  public Decision(
      DecisionKey key,
      Optional<String> sagaId,
      Optional<Integer> stepIndex,
      String kind,
      String payload,
      Instant at,
      Optional<Long> leaderEpoch,
      Optional<String> model) {
    this(key, sagaId, stepIndex, kind, payload, at, leaderEpoch, model, Optional.empty());
  }

  /** A decision no model answered, that records no knowledge update. */
  public Decision(
      DecisionKey key,
      Optional<String> sagaId,
      Optional<Integer> stepIndex,
      String kind,
      String payload,
      Instant at,
      Optional<Long> leaderEpoch) {
    this(
        key, sagaId, stepIndex, kind, payload, at, leaderEpoch, Optional.empty(), Optional.empty());
  }

  public String agentId() {
    return key.agentId();
  }

  public long sequence() {
    return key.sequence();
  }
}
