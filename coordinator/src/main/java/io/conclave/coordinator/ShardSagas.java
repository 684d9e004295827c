package io.conclave.coordinator;

import io.conclave.model.saga.SagaEvent;
import io.conclave.model.saga.SagaIds;
import io.conclave.model.saga.SagaState;
import io.conclave.model.saga.ShardCheckpoint;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The sagas of one shard as the fold of its saga events, kept bounded: the running sagas with their
 * events (what a checkpoint carries), the tasks whose sagas ended within the retention (the
 * de-duplication index: such a task id submitted again starts nothing), and the tenants' escrow. An
 * ended saga is kept only as its task id and end time, and retired once the retention has passed;
 * after that its task id may start a new saga. So memory and a checkpoint hold the live sagas and
 * one retention's worth of task ids, whatever the shard's history.
 *
 * <p>{@link #restore} of a {@link #checkpoint} followed by the events after it folds to the same
 * state as every event from the first (ShardSagasPropertiesTest). Pure; not thread-safe: the
 * shard's loop thread owns it.
 */
final class ShardSagas {
  private final Duration retention;
  private final TenantEscrow escrow;
  private final Map<String, SagaState> running = new HashMap<>();

  /**
   * Per running saga, its events by seq: an event read again (the leader's own, a redelivery) is
   * kept once.
   */
  private final Map<String, Map<Long, SagaEvent>> events = new HashMap<>();

  /** Task id to when its saga ended, in the order they ended: the oldest retire first. */
  private final LinkedHashMap<String, Instant> ended = new LinkedHashMap<>();

  ShardSagas(Duration retention, TenantEscrow escrow) {
    if (retention.isNegative() || retention.isZero()) {
      throw new IllegalArgumentException("retention must be positive, was " + retention);
    }
    this.retention = retention;
    this.escrow = escrow;
  }

  /** The shard's state as {@code checkpoint} holds it; fold the events after its offset next. */
  static ShardSagas restore(ShardCheckpoint checkpoint, Duration retention, TenantEscrow escrow) {
    var sagas = new ShardSagas(retention, escrow);
    escrow.restoreEnded(checkpoint.tenantSpent());
    checkpoint.ended().forEach(e -> sagas.ended.put(e.taskId(), e.endedAt()));
    checkpoint.live().forEach(sagas::fold);
    return sagas;
  }

  TenantEscrow escrow() {
    return escrow;
  }

  /**
   * Folds one event of the shard.
   *
   * @return the saga's state after it; empty if the event is not one the shard keeps (an event of a
   *     saga that ended or retired, a start read again after its saga ended)
   */
  Optional<SagaState> fold(SagaEvent event) {
    String sagaId = event.sagaId();
    SagaState saga = running.get(sagaId);
    if (saga == null) {
      if (!(event instanceof SagaEvent.Started s) || ended.containsKey(s.taskId())) {
        return Optional.empty();
      }
      saga = SagaState.empty(sagaId, s.taskId());
    }
    saga = saga.apply(event);
    escrow.update(saga);
    if (saga.status().isFinished()) {
      running.remove(sagaId);
      events.remove(sagaId);
      ended.put(saga.taskId(), saga.endedAt() != null ? saga.endedAt() : event.at());
    } else {
      running.put(sagaId, saga);
      events.computeIfAbsent(sagaId, id -> new LinkedHashMap<>()).putIfAbsent(event.seq(), event);
    }
    return Optional.of(saga);
  }

  /**
   * Forgets the sagas that ended more than the retention before {@code now}: their task ids may
   * start sagas again.
   *
   * @return how many retired
   */
  int retire(Instant now) {
    Instant cutoff = now.minus(retention);
    int retired = 0;
    for (Iterator<Instant> it = ended.values().iterator(); it.hasNext(); ) {
      // in the order they ended: the first one still within the retention ends the sweep
      if (it.next().isAfter(cutoff)) {
        break;
      }
      it.remove();
      retired++;
    }
    return retired;
  }

  /** Whether {@code taskId}'s saga runs, or ended within the retention. */
  boolean isStarted(String taskId) {
    return ended.containsKey(taskId) || running.containsKey(SagaIds.of(taskId));
  }

  Optional<SagaState> running(String sagaId) {
    return Optional.ofNullable(running.get(sagaId));
  }

  Collection<String> runningIds() {
    return List.copyOf(running.keySet());
  }

  int runningCount() {
    return running.size();
  }

  int endedCount() {
    return ended.size();
  }

  /** How much a checkpoint holds: the live sagas' events and the ended tasks. */
  int size() {
    return events.values().stream().mapToInt(Map::size).sum() + ended.size();
  }

  /**
   * The whole state as a checkpoint covering the shard's saga events up to {@code
   * sagaEventsOffset}.
   */
  ShardCheckpoint checkpoint(int shard, long epoch, long id, Instant at, long sagaEventsOffset) {
    List<SagaEvent> live = new ArrayList<>();
    new TreeMap<>(events).values().forEach(byseq -> live.addAll(byseq.values()));
    List<ShardCheckpoint.Ended> done = new ArrayList<>(ended.size());
    ended.forEach((task, at2) -> done.add(new ShardCheckpoint.Ended(task, at2)));
    return ShardCheckpoint.whole(
        shard, epoch, id, at, sagaEventsOffset, escrow.endedSpent(), live, done);
  }
}
