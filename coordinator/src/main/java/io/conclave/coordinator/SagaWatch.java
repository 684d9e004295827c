package io.conclave.coordinator;

import io.conclave.model.saga.LeaderStamp;
import io.conclave.model.saga.SagaEvent;
import io.conclave.model.saga.SagaMoves;
import io.conclave.model.saga.SagaState;
import io.conclave.model.saga.SagaSupervisor;
import io.conclave.runtime.records.ConclaveRecords;
import io.conclave.runtime.records.ConclaveRecords.RecordSource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sagas of one shard as its leader sees them: the fold of the shard's partition of
 * conclave.saga-events. The leader acts where workers cannot ({@link SagaSupervisor}): it joins
 * parallel stages, carries out approvals, fails steps whose deadline passed and retries or parks
 * failed compensations. Derived from Kafka and rebuilt on take-over from the shard's latest
 * checkpoint and the events after it; what it keeps of the sagas is {@link ShardSagas}'s (finished
 * sagas only as their task id, for the retention). Not thread-safe: the shard's loop thread owns
 * it.
 */
final class SagaWatch {
  private static final Logger log = LoggerFactory.getLogger(SagaWatch.class);

  /** A saga decides one thing per move; more than this in a row means a bug, not a saga. */
  private static final int MAX_MOVES = 100;

  private final LeaderStamp leader;
  private final Duration grace;
  private final ConclaveRecords records;
  private final RecordSource origin;
  private final ShardSagas sagas;
  private final Predicate<String> unavailable;

  /** The running sagas with a step held for its agent type, and that type. */
  private final Map<String, Set<String>> held = new HashMap<>();

  private final Map<String, RecordSource> lastSeen = new HashMap<>();
  private final PriorityQueue<Check> checks = new PriorityQueue<>();

  private record Check(Instant at, String sagaId) implements Comparable<Check> {
    @Override
    public int compareTo(Check o) {
      return at.compareTo(o.at);
    }
  }

  /**
   * @param origin where this shard's saga events are (the source named by parked compensations'
   *     dead letters)
   * @param sagas the shard's sagas and its share of the tenants' token budgets, folded from the
   *     same events
   * @param unavailable the agent types whose breakers are all open: the leader holds the steps it
   *     would send them
   */
  SagaWatch(
      LeaderStamp leader,
      Duration grace,
      ConclaveRecords records,
      RecordSource origin,
      ShardSagas sagas,
      Predicate<String> unavailable) {
    this.leader = leader;
    this.grace = grace;
    this.records = records;
    this.origin = origin;
    this.sagas = sagas;
    this.unavailable = unavailable;
  }

  /** What this watch folds: the shard's sagas, to checkpoint. */
  ShardSagas sagas() {
    return sagas;
  }

  /**
   * The saga-start moves as the leader writes them: its first steps held if their agent types take
   * no calls.
   */
  SagaMoves holding(SagaMoves moves, Instant now) {
    SagaMoves held = moves.holding(unavailable, now);
    if (held != moves) {
      describe(
          held.events().get(0).sagaId(),
          held.events().stream().filter(e -> e instanceof SagaEvent.DispatchHeld).toList());
    }
    return held;
  }

  /** The token budget of a new saga of {@code tenant}, or why it may not start. */
  TenantEscrow.Grant grant(String tenant) {
    return sagas.escrow().grant(tenant);
  }

  /** Whether {@code taskId}'s saga was started on this shard, and has not retired. */
  boolean isStarted(String taskId) {
    return sagas.isStarted(taskId);
  }

  /** Folds an event read while rebuilding; {@link #afterRebuild} then looks at every saga once. */
  void replay(SagaEvent event, RecordSource source) {
    fold(event, source);
  }

  void afterRebuild(Instant now) {
    sagas.runningIds().forEach(id -> checks.add(new Check(now, id)));
  }

  /** Folds an event of the shard's saga events and returns what the leader writes because of it. */
  List<ProducerRecord<byte[], byte[]>> onEvent(SagaEvent event, RecordSource source, Instant now) {
    fold(event, source);
    return act(event.sagaId(), now);
  }

  /**
   * What is due by the clock (deadlines passed, compensations to retry), and held steps whose types
   * take calls again.
   */
  List<ProducerRecord<byte[], byte[]>> tick(Instant now) {
    List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
    while (!checks.isEmpty() && !checks.peek().at().isAfter(now)) {
      out.addAll(act(checks.poll().sagaId(), now));
    }
    List<String> releasable =
        held.entrySet().stream()
            .filter(e -> e.getValue().stream().anyMatch(unavailable.negate()))
            .map(Map.Entry::getKey)
            .toList();
    releasable.forEach(sagaId -> out.addAll(act(sagaId, now)));
    return out;
  }

  private List<ProducerRecord<byte[], byte[]>> act(String sagaId, Instant now) {
    List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
    for (int i = 0; i < MAX_MOVES; i++) {
      SagaState saga = sagas.running(sagaId).orElse(null);
      if (saga == null) {
        return out;
      }
      SagaMoves moves = SagaSupervisor.due(saga, now, grace, leader, unavailable);
      if (moves.isEmpty()) {
        return out;
      }
      describe(sagaId, moves.events());
      out.addAll(records.moves(moves, lastSeen.getOrDefault(sagaId, origin), now));
      // folded at once: the leader must not decide the same thing again before its events come back
      // to it
      moves.events().forEach(e -> fold(e, lastSeen.getOrDefault(sagaId, origin)));
    }
    throw new IllegalStateException(
        "saga " + sagaId + " kept deciding: " + sagas.running(sagaId).orElse(null));
  }

  private void fold(SagaEvent event, RecordSource source) {
    String sagaId = event.sagaId();
    // empty: an event of a saga that finished (a late worker's) or started before the log's
    // beginning, or a finished
    // saga's start read again
    SagaState saga = sagas.fold(event).orElse(null);
    if (saga == null) {
      return;
    }
    lastSeen.put(sagaId, source);
    if (saga.status().isFinished()) {
      lastSeen.remove(sagaId);
      held.remove(sagaId);
      return;
    }
    Set<String> heldTypes =
        saga.steps().stream()
            .filter(st -> st.status() == SagaState.StepStatus.HELD)
            .map(SagaState.StepState::agentType)
            .collect(Collectors.toSet());
    if (heldTypes.isEmpty()) {
      held.remove(sagaId);
    } else {
      held.put(sagaId, heldTypes);
    }
    Instant next = SagaSupervisor.nextCheck(saga, grace);
    if (next != null) {
      checks.add(new Check(next, sagaId));
    }
  }

  private static void describe(String sagaId, List<SagaEvent> events) {
    events.forEach(e -> e.accept(new Describe(sagaId)));
  }

  /**
   * Logs what the leader decided; the events it writes that need no word of their own log nothing.
   */
  private record Describe(String sagaId) implements SagaEvent.Visitor<Void> {
    @Override
    public Void joined(SagaEvent.Joined j) {
      log.info("saga {}: joined the parallel stage at step {}", sagaId, j.stepIndex());
      return null;
    }

    @Override
    public Void stepFailed(SagaEvent.StepFailed f) {
      log.info("saga {}: step {} failed ({}); compensating", sagaId, f.stepIndex(), f.error());
      return null;
    }

    @Override
    public Void stepCompleted(SagaEvent.StepCompleted c) {
      log.info("saga {}: approval step {} {}", sagaId, c.stepIndex(), c.output());
      return null;
    }

    @Override
    public Void compensationRetried(SagaEvent.CompensationRetried r) {
      log.info(
          "saga {}: retrying the compensation of step {} (attempt {})",
          sagaId,
          r.stepIndex(),
          r.attempt());
      return null;
    }

    @Override
    public Void dispatchHeld(SagaEvent.DispatchHeld h) {
      log.info(
          "saga {}: step {} held: every circuit breaker of {} is open",
          sagaId,
          h.stepIndex(),
          h.agentType());
      return null;
    }

    @Override
    public Void dispatchReleased(SagaEvent.DispatchReleased r) {
      log.info(
          "saga {}: step {} released: {} takes calls again", sagaId, r.stepIndex(), r.agentType());
      return null;
    }

    @Override
    public Void compensationParked(SagaEvent.CompensationParked p) {
      log.warn(
          "saga {}: ALERT compensation of step {} ({}) failed {} times and is parked on the dead-letter topic: "
              + "{}",
          sagaId,
          p.stepIndex(),
          p.agentType(),
          p.attempts(),
          p.error());
      return null;
    }

    // no word of their own: written by others (the intake, a human, a worker), or the consequence
    // of a move above

    @Override
    public Void started(SagaEvent.Started e) {
      return null;
    }

    @Override
    public Void compensated(SagaEvent.Compensated e) {
      return null;
    }

    @Override
    public Void completed(SagaEvent.Completed e) {
      return null;
    }

    @Override
    public Void aborted(SagaEvent.Aborted e) {
      return null;
    }

    @Override
    public Void approvalRequested(SagaEvent.ApprovalRequested e) {
      return null;
    }

    @Override
    public Void approvalDecided(SagaEvent.ApprovalDecided e) {
      return null;
    }

    @Override
    public Void compensationFailed(SagaEvent.CompensationFailed e) {
      return null;
    }
  }
}
