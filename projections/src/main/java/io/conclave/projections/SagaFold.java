package io.conclave.projections;

import io.conclave.core.SagaEvent;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/** Folds each saga event into its task's view in the {@value ProjectionTopology#SAGAS} store. */
final class SagaFold implements Processor<String, SagaEvent, Void, Void> {
  private KeyValueStore<String, TaskView> views;

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    views = context.getStateStore(ProjectionTopology.SAGAS);
  }

  @Override
  public void process(Record<String, SagaEvent> record) {
    SagaEvent event = record.value();
    if (event == null) {
      return;
    }
    TaskView view = views.get(event.taskId());
    views.put(event.taskId(), (view == null ? TaskView.empty(event.taskId()) : view).apply(event));
  }
}
