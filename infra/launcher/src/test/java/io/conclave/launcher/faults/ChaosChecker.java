package io.conclave.launcher.faults;

import io.conclave.model.cluster.LeaderElected;
import io.conclave.model.eventlog.Decision;
import io.conclave.model.saga.SagaEvent;
import io.conclave.model.saga.SagaState;
import io.conclave.worker.StepEngine;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The invariants a chaos run must keep, checked over what the topics hold once the faults have
 * stopped and the system has settled. Pure: the caller reads the topics (read_committed) and the
 * projections, this only judges.
 */
final class ChaosChecker {
  private ChaosChecker() {}

  /** The invariants, one per kind of violation, for the summary's counts. */
  enum Invariant {
    ONE_SAGA_PER_TASK,
    SAGA_ENDED,
    EFFECT_ONCE,
    DECISION_SEQUENCE,
    ONE_LEADER_PER_EPOCH,
    PROJECTION
  }

  /**
   * What a run left behind.
   *
   * @param accepted task ids whose submission was acknowledged (202 or the producer's ack)
   * @param sagaEvents every committed saga event, in partition order
   * @param decisions every committed decision, in partition order
   * @param leaders every committed leader announcement
   * @param projected the status {@code GET /tasks/{id}} answered for each accepted task (absent:
   *     404)
   */
  record History(
      Set<String> accepted,
      List<SagaEvent> sagaEvents,
      List<Decision> decisions,
      List<LeaderElected> leaders,
      Map<String, Optional<String>> projected) {
    History {
      accepted = Set.copyOf(accepted);
      sagaEvents = List.copyOf(sagaEvents);
      decisions = List.copyOf(decisions);
      leaders = List.copyOf(leaders);
      projected = Map.copyOf(projected);
    }
  }

  /** A broken invariant, saying what and where. */
  sealed interface Violation {
    Invariant invariant();

    /** An accepted task that has no saga, or a task with more than one. */
    record SagaCount(String taskId, int sagas) implements Violation {
      public Invariant invariant() {
        return Invariant.ONE_SAGA_PER_TASK;
      }
    }

    /** A saga that did not end completed or compensated. */
    record NotEnded(String sagaId, SagaState.Status status) implements Violation {
      public Invariant invariant() {
        return Invariant.SAGA_ENDED;
      }
    }

    /** A step's effect (its completion or its compensation) committed more than once. */
    record EffectRepeated(String sagaId, int stepIndex, String kind, int times)
        implements Violation {
      public Invariant invariant() {
        return Invariant.EFFECT_ONCE;
      }
    }

    /**
     * An agent's decision log does not number its decisions 0, 1, 2, ...: {@code found} where
     * {@code expected}.
     */
    record SequenceBroken(String agentId, long expected, long found) implements Violation {
      public Invariant invariant() {
        return Invariant.DECISION_SEQUENCE;
      }
    }

    /**
     * Shard {@code shard} had more than one writer at {@code epoch}: two members announced it, a
     * write is stamped with an epoch nobody announced, or a write of an older epoch came after one
     * of a newer.
     */
    record SplitLeadership(int shard, long epoch, String why) implements Violation {
      public Invariant invariant() {
        return Invariant.ONE_LEADER_PER_EPOCH;
      }
    }

    /** The projections answer something else than the fold of the task's saga events. */
    record ProjectionDiffers(String taskId, String projected, String folded) implements Violation {
      public Invariant invariant() {
        return Invariant.PROJECTION;
      }
    }
  }

  /** Every violation of every invariant in {@code history}; empty when the run was clean. */
  static List<Violation> check(History history) {
    List<Violation> out = new ArrayList<>();
    Map<String, List<SagaEvent>> bySaga =
        history.sagaEvents().stream()
            .collect(
                Collectors.groupingBy(SagaEvent::sagaId, LinkedHashMap::new, Collectors.toList()));
    sagasPerTask(history, bySaga, out);
    sagasEnded(bySaga, out);
    effectsOnce(history, out);
    sequences(history, out);
    leadership(history, out);
    projections(history, bySaga, out);
    return out;
  }

  /** The number of violations of each invariant, every invariant listed. */
  static Map<Invariant, Long> counts(List<Violation> violations) {
    Map<Invariant, Long> out = new LinkedHashMap<>();
    for (Invariant i : Invariant.values()) {
      out.put(i, violations.stream().filter(v -> v.invariant() == i).count());
    }
    return out;
  }

  private static void sagasPerTask(
      History h, Map<String, List<SagaEvent>> bySaga, List<Violation> out) {
    Map<String, Integer> starts = new HashMap<>();
    for (List<SagaEvent> events : bySaga.values()) {
      for (SagaEvent e : events) {
        if (e instanceof SagaEvent.Started) {
          starts.merge(e.taskId(), 1, Integer::sum);
        }
      }
    }
    for (String task : new TreeSet<>(h.accepted())) {
      int n = starts.getOrDefault(task, 0);
      if (n != 1) {
        out.add(new Violation.SagaCount(task, n));
      }
    }
    starts.forEach(
        (task, n) -> {
          if (n > 1 && !h.accepted().contains(task)) {
            out.add(new Violation.SagaCount(task, n));
          }
        });
  }

  private static void sagasEnded(Map<String, List<SagaEvent>> bySaga, List<Violation> out) {
    bySaga.forEach(
        (sagaId, events) -> {
          SagaState.Status status = SagaState.of(events).status();
          if (status != SagaState.Status.COMPLETED && status != SagaState.Status.COMPENSATED) {
            out.add(new Violation.NotEnded(sagaId, status));
          }
        });
  }

  /**
   * A committed step result or compensation is a step's effect: the worker writes it in the
   * transaction that consumes the step's command, so a redelivered command (same idempotency key)
   * must not add a second one.
   */
  private static void effectsOnce(History h, List<Violation> out) {
    Map<List<Object>, Integer> times = new LinkedHashMap<>();
    for (Decision d : h.decisions()) {
      boolean effect =
          d.kind().equals(StepEngine.RESULT_DECISION)
              || d.kind().equals(StepEngine.COMPENSATION_DECISION);
      if (effect && d.sagaId().isPresent() && d.stepIndex().isPresent()) {
        times.merge(List.of(d.sagaId().get(), d.stepIndex().get(), d.kind()), 1, Integer::sum);
      }
    }
    for (SagaEvent e : h.sagaEvents()) {
      if (e instanceof SagaEvent.StepCompleted c) {
        times.merge(List.of(c.sagaId(), c.stepIndex(), "StepCompleted"), 1, Integer::sum);
      } else if (e instanceof SagaEvent.Compensated c) {
        times.merge(List.of(c.sagaId(), c.stepIndex(), "Compensated"), 1, Integer::sum);
      }
    }
    times.forEach(
        (key, n) -> {
          if (n > 1) {
            out.add(
                new Violation.EffectRepeated(
                    (String) key.get(0), (Integer) key.get(1), (String) key.get(2), n));
          }
        });
  }

  private static void sequences(History h, List<Violation> out) {
    Map<String, Long> next = new HashMap<>();
    for (Decision d : h.decisions()) {
      long expected = next.getOrDefault(d.agentId(), 0L);
      if (d.sequence() != expected) {
        out.add(new Violation.SequenceBroken(d.agentId(), expected, d.sequence()));
      }
      next.put(d.agentId(), Math.max(expected, d.sequence() + 1));
    }
  }

  /**
   * Who wrote is not on the records; the epoch is. At most one member announces a shard's epoch,
   * every write of a leader carries an announced epoch of its shard, and a shard's planner never
   * writes an older epoch after a newer one (an ex-leader that wrote after its successor would have
   * been a second writer).
   */
  private static void leadership(History h, List<Violation> out) {
    Map<List<Long>, Set<String>> members = new LinkedHashMap<>();
    for (LeaderElected e : h.leaders()) {
      members
          .computeIfAbsent(List.of((long) e.shard(), e.epoch()), k -> new TreeSet<>())
          .add(e.memberId());
    }
    members.forEach(
        (key, who) -> {
          if (who.size() > 1) {
            out.add(
                new Violation.SplitLeadership(
                    key.get(0).intValue(), key.get(1), "announced by " + who));
          }
        });
    for (SagaEvent e : h.sagaEvents()) {
      if (e instanceof SagaEvent.Started s
          && !members.containsKey(List.of((long) s.leader().shard(), s.leader().epoch()))) {
        out.add(
            new Violation.SplitLeadership(
                s.leader().shard(),
                s.leader().epoch(),
                s.sagaId() + " started under an epoch nobody announced"));
      }
    }
    Map<String, Long> latest = new HashMap<>();
    for (Decision d : h.decisions()) {
      if (d.leaderEpoch().isEmpty() || !d.agentId().startsWith("planner-")) {
        continue;
      }
      int shard = Integer.parseInt(d.agentId().substring("planner-".length()));
      long epoch = d.leaderEpoch().get();
      if (!members.containsKey(List.of((long) shard, epoch))) {
        out.add(
            new Violation.SplitLeadership(
                shard,
                epoch,
                d.agentId() + " decision " + d.sequence() + " under an epoch nobody announced"));
      }
      Long before = latest.get(d.agentId());
      if (before != null && epoch < before) {
        out.add(
            new Violation.SplitLeadership(
                shard,
                epoch,
                d.agentId()
                    + " decision "
                    + d.sequence()
                    + " written after one of epoch "
                    + before));
      }
      latest.merge(d.agentId(), epoch, Math::max);
    }
  }

  private static void projections(
      History h, Map<String, List<SagaEvent>> bySaga, List<Violation> out) {
    Map<String, List<SagaEvent>> byTask = new HashMap<>();
    bySaga.values().forEach(events -> byTask.put(events.get(0).taskId(), events));
    for (String task : new TreeSet<>(h.accepted())) {
      List<SagaEvent> events = byTask.get(task);
      String folded = events == null ? "none" : SagaState.of(events).status().name();
      String projected = h.projected().getOrDefault(task, Optional.empty()).orElse("none");
      if (!folded.equals(projected)) {
        out.add(new Violation.ProjectionDiffers(task, projected, folded));
      }
    }
  }
}
