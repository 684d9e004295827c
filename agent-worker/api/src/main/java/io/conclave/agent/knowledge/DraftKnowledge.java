package io.conclave.agent.knowledge;

import io.conclave.agent.Knowledge;
import io.conclave.model.crdt.Crdt;
import io.conclave.model.crdt.GCounter;
import io.conclave.model.crdt.Hlc;
import io.conclave.model.crdt.HybridClock;
import io.conclave.model.crdt.KnowledgeType;
import io.conclave.model.crdt.LwwMap;
import io.conclave.model.crdt.LwwRegister;
import io.conclave.model.crdt.OrSet;
import io.conclave.model.crdt.PNCounter;
import io.conclave.model.crdt.Stamp;
import io.conclave.model.journal.AgentJournal;
import io.conclave.model.knowledge.KnowledgeDelta;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * {@link Knowledge} on a step's draft: each update is a delta made from the agent instance's view
 * of the key (its own updates, which its log keeps, merged with what the worker observed of the
 * others': its count, its next set tag, the tags a remove removes, a stamp after every write it has
 * seen), recorded in the draft as a knowledge decision. The agent instance id is the replica id.
 *
 * <p>The worker gives it its clock and what it has read of conclave.knowledge; the agent test kit
 * gives it a fixed clock and nothing observed. Not thread-safe, like the draft.
 */
public final class DraftKnowledge implements Knowledge {
  private final AgentJournal.Draft<?> draft;
  private final HybridClock clock;
  private final Function<String, Optional<Crdt>> observed;

  /**
   * @param clock stamps the writes to registers and maps
   * @param observed a key's merged state as the caller observed it from every agent, if any
   */
  public DraftKnowledge(
      AgentJournal.Draft<?> draft, HybridClock clock, Function<String, Optional<Crdt>> observed) {
    this.draft = Objects.requireNonNull(draft, "draft");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.observed = Objects.requireNonNull(observed, "observed");
  }

  private String replica() {
    return draft.agentId();
  }

  @Override
  public void increment(String key, long n) {
    if (n < 0) {
      throw new IllegalArgumentException(
          "increment by " + n + ": a counter goes down only by add(key, n)");
    }
    Crdt current = current(key, KnowledgeType.G_COUNTER, KnowledgeType.PN_COUNTER);
    update(
        key,
        current instanceof PNCounter pn
            ? pn.increment(replica(), n)
            : ((GCounter) current).increment(replica(), n));
  }

  @Override
  public void add(String key, long n) {
    PNCounter current = (PNCounter) current(key, KnowledgeType.PN_COUNTER);
    update(
        key,
        n >= 0
            ? current.increment(replica(), n)
            : current.decrement(replica(), Math.negateExact(n)));
  }

  @Override
  public void addToSet(String key, String element) {
    update(key, ((OrSet) current(key, KnowledgeType.OR_SET)).add(replica(), element));
  }

  @Override
  public void removeFromSet(String key, String element) {
    update(key, ((OrSet) current(key, KnowledgeType.OR_SET)).remove(element));
  }

  @Override
  public void put(String key, String value) {
    LwwRegister current = (LwwRegister) current(key, KnowledgeType.LWW_REGISTER);
    update(key, current.set(value, stampAfter(current), replica()));
  }

  @Override
  public void clear(String key) {
    LwwRegister current = (LwwRegister) current(key, KnowledgeType.LWW_REGISTER);
    update(key, current.clear(stampAfter(current), replica()));
  }

  @Override
  public void put(String key, String field, String value) {
    LwwMap current = (LwwMap) current(key, KnowledgeType.LWW_MAP);
    update(key, current.put(field, value, stampAfter(current), replica()));
  }

  @Override
  public void remove(String key, String field) {
    LwwMap current = (LwwMap) current(key, KnowledgeType.LWW_MAP);
    update(key, current.remove(field, stampAfter(current), replica()));
  }

  @Override
  public Optional<Crdt> get(String key) {
    Optional<Crdt> own = draft.knowledge(KnowledgeDelta.key(key));
    Optional<Crdt> observed =
        this.observed.apply(key).filter(o -> own.isEmpty() || o.type() == own.get().type());
    if (own.isEmpty() || observed.isEmpty()) {
      return own.isPresent() ? own : observed;
    }
    return Optional.of(own.get().merge(observed.get()));
  }

  private void update(String key, Crdt delta) {
    // adding 0, removing what is not there: nothing to record
    if (!delta.equals(delta.type().empty())) {
      draft.update(key, delta);
    }
  }

  /**
   * The key's state in this replica's view, or the empty value of the first type for a key it never
   * updated.
   *
   * @throws IllegalArgumentException if the key holds knowledge of another type
   */
  private Crdt current(String key, KnowledgeType first, KnowledgeType... alsoAccepted) {
    Crdt current = get(key).orElse(first.empty());
    if (current.type() != first && Stream.of(alsoAccepted).noneMatch(t -> t == current.type())) {
      throw KnowledgeDelta.typeConflict(key, current.type(), first);
    }
    return current;
  }

  /**
   * A timestamp after every write in {@code seen}: the replica's clock may have restarted since, or
   * be behind another host's, and a write stamped before the one it replaces would lose to it.
   */
  private Hlc stampAfter(Crdt seen) {
    Stream<LwwRegister> registers =
        seen instanceof LwwMap map
            ? map.entries().values().stream()
            : Stream.of((LwwRegister) seen);
    return registers
        .map(LwwRegister::stamp)
        .flatMap(Optional::stream)
        .map(Stamp::hlc)
        .max(Hlc::compareTo)
        .map(clock::update)
        .orElseGet(clock::now);
  }
}
