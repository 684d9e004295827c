package io.conclave.projections.tasks;

import io.conclave.model.cluster.TaskSubmission;
import io.conclave.projections.runtime.Retirements;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps each task as submitted in the {@value TaskStores#SUBMISSIONS} store (the latest submission
 * of a task id; a tombstone, an erasure, deletes it) for the saga retention after its submission,
 * as long as conclave.tasks keeps it: a sweep on the wall clock removes the ones due ({@link
 * Retirements}). A task whose saga runs longer is still answered from its saga.
 */
public final class SubmissionFold implements Processor<String, TaskSubmission, Void, Void> {
  private final Duration retention;
  private KeyValueStore<String, TaskView> submissions;
  private KeyValueStore<String, String> retirements;

  public SubmissionFold(Duration retention) {
    this.retention = retention;
  }

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    submissions = context.getStateStore(TaskStores.SUBMISSIONS);
    retirements = context.getStateStore(TaskStores.SUBMISSION_RETIREMENTS);
    context.schedule(
        Retirements.sweepEvery(retention),
        PunctuationType.WALL_CLOCK_TIME,
        now -> {
          Instant cutoff = Instant.ofEpochMilli(now).minus(retention);
          Retirements.sweep(
              retirements, submissions, cutoff, t -> !t.submittedAt().isAfter(cutoff));
        });
  }

  @Override
  public void process(Record<String, TaskSubmission> record) {
    TaskSubmission task = record.value();
    if (task == null) {
      if (record.key() != null) {
        submissions.delete(record.key());
      }
      return;
    }
    TaskView view = TaskView.submitted(task.taskId(), task.prompt(), task.submittedAt());
    if (!view.equals(submissions.get(task.taskId()))) {
      submissions.put(task.taskId(), view);
      retirements.put(Retirements.key(task.submittedAt(), task.taskId()), task.taskId());
    }
  }
}
