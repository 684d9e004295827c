package io.conclave.projections.knowledge;

import io.conclave.model.knowledge.KnowledgeDelta;
import io.conclave.model.knowledge.KnowledgeState;
import java.util.Comparator;
import java.util.Objects;

/**
 * One knowledge key and its merged state (now, or as of some time): what {@code GET
 * /knowledge/{key}} shows ({@link KnowledgeJson}). Immutable.
 */
record KnowledgeEntry(String key, KnowledgeState state) {
  /**
   * By key, in {@link String} order (which is also the stores' byte order: knowledge keys are
   * ASCII).
   */
  static final Comparator<KnowledgeEntry> BY_KEY = Comparator.comparing(KnowledgeEntry::key);

  KnowledgeEntry {
    KnowledgeDelta.key(key);
    Objects.requireNonNull(state, "state");
  }
}
