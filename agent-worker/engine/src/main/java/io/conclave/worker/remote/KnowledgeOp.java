package io.conclave.worker.remote;

import io.conclave.agent.Knowledge;
import java.util.Objects;

/**
 * One knowledge update a remote agent's answer asks for ({@code knowledge[]}), applied to the
 * step's {@link Knowledge} so that it is written with the step, exactly once. Immutable.
 */
sealed interface KnowledgeOp {
  String key();

  void applyTo(Knowledge knowledge);

  /** {@code increment}: adds {@code n} (at least 1) to a grow-only counter. */
  record Increment(String key, long n) implements KnowledgeOp {
    @Override
    public void applyTo(Knowledge knowledge) {
      knowledge.increment(key, n);
    }
  }

  /** {@code add}: adds {@code n} (maybe negative) to a counter that goes both ways. */
  record Add(String key, long n) implements KnowledgeOp {
    @Override
    public void applyTo(Knowledge knowledge) {
      knowledge.add(key, n);
    }
  }

  /** {@code addToSet}. */
  record AddToSet(String key, String element) implements KnowledgeOp {
    @Override
    public void applyTo(Knowledge knowledge) {
      knowledge.addToSet(key, element);
    }
  }

  /** {@code removeFromSet}. */
  record RemoveFromSet(String key, String element) implements KnowledgeOp {
    @Override
    public void applyTo(Knowledge knowledge) {
      knowledge.removeFromSet(key, element);
    }
  }

  /** {@code put}: sets a register. */
  record Put(String key, String value) implements KnowledgeOp {
    @Override
    public void applyTo(Knowledge knowledge) {
      knowledge.put(key, value);
    }
  }

  /** {@code clear}: clears a register. */
  record Clear(String key) implements KnowledgeOp {
    @Override
    public void applyTo(Knowledge knowledge) {
      knowledge.clear(key);
    }
  }

  /** {@code putField}: sets a field of a map. */
  record PutField(String key, String field, String value) implements KnowledgeOp {
    public PutField {
      Objects.requireNonNull(field, "field");
    }

    @Override
    public void applyTo(Knowledge knowledge) {
      knowledge.put(key, field, value);
    }
  }

  /** {@code removeField}: removes a field of a map. */
  record RemoveField(String key, String field) implements KnowledgeOp {
    @Override
    public void applyTo(Knowledge knowledge) {
      knowledge.remove(key, field);
    }
  }
}
