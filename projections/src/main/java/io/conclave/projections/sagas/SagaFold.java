package io.conclave.projections.sagas;

import io.conclave.model.saga.SagaEvent;
import io.conclave.model.saga.SagaState;
import io.conclave.projections.ledger.TenantLedger;
import io.conclave.projections.runtime.Retirements;
import io.conclave.projections.tasks.TaskStores;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Folds each saga event into its task's {@link SagaState} ({@link SagaState#apply}) in the {@value
 * TaskStores#SAGAS} store, and forwards what the steps that first settled with the event spent,
 * keyed by the saga's tenant ({@link TenantLedger#settled}), for the tenants' call ledger. It
 * removes a saga the saga retention after it ended, as the shard leaders retire it ({@code
 * conclave.saga.retention-ms}): the store holds the running sagas and one retention's worth of
 * ended ones. When a saga ends, it is indexed by its end in {@value TaskStores#SAGA_RETIREMENTS}; a
 * sweep on the wall clock removes the ones due. It keeps how many sagas of its partition are in
 * each status in {@value TaskStores#SAGA_COUNTS}, moved with each change of status, so that
 * counting the sagas reads a handful of entries, not every saga the retention keeps.
 */
public final class SagaFold implements Processor<String, SagaEvent, String, TenantLedger> {
  private final Duration retention;
  private ProcessorContext<String, TenantLedger> context;
  private KeyValueStore<String, SagaState> states;
  private KeyValueStore<String, String> retirements;
  private KeyValueStore<String, Long> counts;

  public SagaFold(Duration retention) {
    this.retention = retention;
  }

  @Override
  public void init(ProcessorContext<String, TenantLedger> context) {
    this.context = context;
    states = context.getStateStore(TaskStores.SAGAS);
    retirements = context.getStateStore(TaskStores.SAGA_RETIREMENTS);
    counts = context.getStateStore(TaskStores.SAGA_COUNTS);
    countOnceIfUncounted();
    context.schedule(
        Retirements.sweepEvery(retention),
        PunctuationType.WALL_CLOCK_TIME,
        now -> retire(Instant.ofEpochMilli(now)));
  }

  /**
   * Counts the partition's sagas by status if they have no counts at all: the store of a deployment
   * that kept its sagas before it kept their counts. Once counted, the counts move with each event;
   * in any other start the counts are there (restored with the sagas) or there are no sagas.
   */
  private void countOnceIfUncounted() {
    if (!isEmpty(counts) || isEmpty(states)) {
      return;
    }
    Map<SagaState.Status, Long> byStatus = new EnumMap<>(SagaState.Status.class);
    try (KeyValueIterator<String, SagaState> all = states.all()) {
      all.forEachRemaining(kv -> byStatus.merge(kv.value.status(), 1L, Long::sum));
    }
    byStatus.forEach((status, n) -> counts.put(status.name(), n));
  }

  private static boolean isEmpty(KeyValueStore<String, ?> store) {
    try (KeyValueIterator<String, ?> all = store.all()) {
      return !all.hasNext();
    }
  }

  /** Removes the sagas that ended more than the retention before {@code now}. */
  private void retire(Instant now) {
    Instant cutoff = now.minus(retention);
    Retirements.sweep(
            retirements,
            states,
            cutoff,
            s -> s.status().isFinished() && s.endedAt() != null && !s.endedAt().isAfter(cutoff))
        .forEach(retired -> count(retired.status(), -1));
  }

  private void count(SagaState.Status status, long delta) {
    Long n = counts.get(status.name());
    long next = (n == null ? 0 : n) + delta;
    if (next == 0) {
      counts.delete(status.name());
    } else {
      counts.put(status.name(), next);
    }
  }

  @Override
  public void process(Record<String, SagaEvent> record) {
    SagaEvent event = record.value();
    if (event == null) {
      return;
    }
    SagaState before = states.get(event.taskId());
    SagaState after = apply(before, event);
    // a redelivered event changes nothing: spare the changelog a copy; an event that tells nothing
    // of a saga not seen (a late report of a retired one) leaves no entry behind
    if (after.equals(before)
        || before == null && after.equals(SagaState.empty(event.sagaId(), event.taskId()))) {
      return;
    }
    states.put(event.taskId(), after);
    if (before == null || before.status() != after.status()) {
      if (before != null) {
        count(before.status(), -1);
      }
      count(after.status(), 1);
    }
    if (after.status().isFinished() && (before == null || !before.status().isFinished())) {
      retirements.put(
          Retirements.key(after.endedAt() != null ? after.endedAt() : event.at(), event.taskId()),
          event.taskId());
    }
    TenantLedger.settled(before, after)
        .ifPresent(spent -> context.forward(record.withKey(spent.tenant()).withValue(spent)));
  }

  /**
   * {@code state} with {@code event} folded in; a null state is a saga of which nothing is known
   * yet.
   */
  public static SagaState apply(SagaState state, SagaEvent event) {
    return (state == null ? SagaState.empty(event.sagaId(), event.taskId()) : state).apply(event);
  }
}
