package io.conclave.projections.agents;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.model.crdt.GCounter;
import io.conclave.model.eventlog.Decision;
import io.conclave.model.eventlog.DecisionKey;
import io.conclave.model.eventlog.KnowledgeUpdate;
import io.conclave.model.knowledge.KnowledgeDelta;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The API shows a KNOWLEDGE decision's payload as the update itself in JSON, as it did when the
 * payload held it; other decisions' payloads as they are.
 */
class DecisionViewTest {
  private static final Instant AT = Instant.parse("2026-11-24T10:00:00Z");

  @Test
  void aKnowledgeDecisionShowsItsUpdateAsJson() {
    var delta = new GCounter(Map.of("research-0", 1L));
    var decision =
        new Decision(
            new DecisionKey("research-0", 1),
            Optional.of("saga-1"),
            Optional.of(0),
            KnowledgeDelta.DECISION,
            KnowledgeDelta.payload("steps.research", delta),
            AT,
            Optional.empty(),
            Optional.empty(),
            Optional.of(new KnowledgeUpdate("steps.research", delta)));

    assertThat(DecisionView.of(decision).payload())
        .isEqualTo(
            "{\"key\":\"steps.research\",\"delta\":{\"type\":\"g-counter\",\"counts\":{\"research-0\":1}}}");
  }

  @Test
  void anyOtherDecisionShowsItsPayload() {
    var decision =
        new Decision(
            new DecisionKey("research-0", 2),
            Optional.empty(),
            Optional.empty(),
            "STEP_RESULT",
            "out",
            AT,
            Optional.empty());

    assertThat(DecisionView.of(decision).payload()).isEqualTo("out");
  }
}
