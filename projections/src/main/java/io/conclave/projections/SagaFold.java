package io.conclave.projections;

import io.conclave.core.SagaEvent;
import io.conclave.core.SagaState;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Folds each saga event into its task's {@link SagaState} ({@link SagaState#apply}) in the
 * {@value ProjectionTopology#SAGAS} store, and forwards what the steps that first settled with the event spent, keyed
 * by the saga's tenant ({@link TenantLedger#settled}), for the tenants' call ledger.
 */
final class SagaFold implements Processor<String, SagaEvent, String, TenantLedger> {
  private ProcessorContext<String, TenantLedger> context;
  private KeyValueStore<String, SagaState> states;

  @Override
  public void init(ProcessorContext<String, TenantLedger> context) {
    this.context = context;
    states = context.getStateStore(ProjectionTopology.SAGAS);
  }

  @Override
  public void process(Record<String, SagaEvent> record) {
    SagaEvent event = record.value();
    if (event == null) {
      return;
    }
    SagaState before = states.get(event.taskId());
    SagaState after = apply(before, event);
    // a redelivered event changes nothing: spare the changelog a copy
    if (!after.equals(before)) {
      states.put(event.taskId(), after);
    }
    TenantLedger.settled(before, after)
        .ifPresent(spent -> context.forward(record.withKey(spent.tenant()).withValue(spent)));
  }

  /** {@code state} with {@code event} folded in; a null state is a saga of which nothing is known yet. */
  static SagaState apply(SagaState state, SagaEvent event) {
    return (state == null ? SagaState.empty(event.sagaId(), event.taskId()) : state).apply(event);
  }
}
