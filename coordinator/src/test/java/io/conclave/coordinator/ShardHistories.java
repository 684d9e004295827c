package io.conclave.coordinator;

import io.conclave.model.saga.LeaderStamp;
import io.conclave.model.saga.SagaEvent;
import io.conclave.model.saga.SagaIds;
import io.conclave.model.saga.SagaStep;
import io.conclave.model.saga.Spending;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Histories of a shard's saga events made from a list of choices, so that a property's generator
 * shrinks the list and with it the history: sagas of two steps start (of a tenant with a budget or
 * not), complete steps, fail and abort, and events come again (a redelivery, the leader's own
 * events read back, a task submitted again, a late worker's report after its saga ended). A {@link
 * Retire} is the leader's clock passing: ended sagas older than the retention are retired.
 */
final class ShardHistories {
  static final Instant T0 = Instant.parse("2026-12-07T10:00:00Z");
  static final LeaderStamp LEADER = new LeaderStamp(0, 1);
  static final List<SagaStep> PLAN =
      List.of(
          new SagaStep("research", "gather", "", "discard"),
          new SagaStep("write", "draft", "", "unpublish"));

  private ShardHistories() {}

  /** One step of a history: an event, or the clock retiring what ended long enough ago. */
  sealed interface Step {}

  record Event(SagaEvent event) implements Step {}

  record Retire(Instant now) implements Step {}

  private static final class Sim {
    final String taskId;
    int next;
    boolean ended;

    Sim(String taskId) {
      this.taskId = taskId;
    }
  }

  static List<Step> of(List<Integer> choices) {
    List<Step> out = new ArrayList<>();
    List<SagaEvent> emitted = new ArrayList<>();
    Map<String, Sim> sims = new TreeMap<>();
    Instant t = T0;
    int n = 0;
    for (int c : choices) {
      t = t.plusSeconds(1);
      int pick = c / 7;
      List<Sim> running = sims.values().stream().filter(s -> !s.ended).toList();
      List<Sim> ended = sims.values().stream().filter(s -> s.ended).toList();
      List<SagaEvent> events = new ArrayList<>();
      switch (c % 7) {
        case 0 -> {
          String task = "t" + n++;
          Spending spending =
              pick % 2 == 0 ? Spending.limited("acme", 100) : Spending.unlimited("default");
          events.add(
              new SagaEvent.Started(
                  SagaIds.of(task), task, SagaEvent.Seq.started(), PLAN, "p", LEADER, t, spending));
          sims.put(task, new Sim(task));
        }
        case 1 -> {
          if (!running.isEmpty()) {
            Sim s = running.get(pick % running.size());
            events.add(
                new SagaEvent.StepCompleted(
                    SagaIds.of(s.taskId),
                    s.taskId,
                    SagaEvent.Seq.step(s.next),
                    s.next,
                    PLAN.get(s.next).agentType(),
                    "out",
                    t,
                    pick % 40,
                    pick % 3));
            if (++s.next == PLAN.size()) {
              events.add(
                  new SagaEvent.Completed(
                      SagaIds.of(s.taskId), s.taskId, SagaEvent.Seq.end(PLAN.size()), t));
              s.ended = true;
            }
          }
        }
        case 2 -> {
          if (!running.isEmpty()) {
            Sim s = running.get(pick % running.size());
            events.add(
                new SagaEvent.StepFailed(
                    SagaIds.of(s.taskId),
                    s.taskId,
                    SagaEvent.Seq.step(s.next),
                    s.next,
                    PLAN.get(s.next).agentType(),
                    "no",
                    t,
                    pick % 40,
                    0));
            events.add(
                new SagaEvent.Aborted(
                    SagaIds.of(s.taskId), s.taskId, SagaEvent.Seq.end(PLAN.size()), "no", t));
            s.ended = true;
          }
        }
        case 3 -> {
          if (!emitted.isEmpty()) {
            events.add(emitted.get(pick % emitted.size()));
          }
        }
        case 4 -> {
          if (!sims.isEmpty()) {
            String task = new ArrayList<>(sims.keySet()).get(pick % sims.size());
            events.add(
                new SagaEvent.Started(
                    SagaIds.of(task),
                    task,
                    SagaEvent.Seq.started(),
                    PLAN,
                    "again",
                    LEADER,
                    t,
                    Spending.unlimited("default")));
            // a task whose saga retired starts again: the simulation follows the new saga
            sims.get(task).ended = false;
            sims.get(task).next = 0;
          }
        }
        case 5 -> {
          if (!ended.isEmpty()) {
            Sim s = ended.get(pick % ended.size());
            events.add(
                new SagaEvent.StepCompleted(
                    SagaIds.of(s.taskId),
                    s.taskId,
                    SagaEvent.Seq.step(0),
                    0,
                    "research",
                    "late",
                    t,
                    7,
                    1));
          }
        }
        default -> out.add(new Retire(t));
      }
      events.forEach(e -> out.add(new Event(e)));
      emitted.addAll(events);
    }
    return out;
  }
}
