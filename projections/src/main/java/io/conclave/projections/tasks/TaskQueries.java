package io.conclave.projections.tasks;

import io.conclave.model.saga.SagaState;
import io.conclave.projections.http.ProjectionUnavailableException;
import io.conclave.projections.http.QueryRoute;
import io.conclave.projections.runtime.StoreReads;
import jakarta.inject.Singleton;
import java.util.Optional;

/**
 * Reads the tasks and their sagas over every projections instance of the group ({@link
 * StoreReads}): a task is answered by the instances holding its partitions of the submissions and
 * of the sagas (this one from its stores, another by asking it on {@code /peers}, see {@link
 * TaskPeerController}; the two stores are separate sub-topologies, so their partitions can sit on
 * different instances). It answers the whole truth or {@link ProjectionUnavailableException} (503).
 * Thread-safe.
 */
@Singleton
public class TaskQueries {
  private final StoreReads reads;

  TaskQueries(StoreReads reads) {
    this.reads = reads;
  }

  /** The task with its saga, as far as known; empty if the task is unknown. */
  public Optional<TaskView> task(String taskId) {
    Optional<SagaState> saga = saga(taskId, false);
    Optional<TaskView> submission = submission(taskId, false);
    return saga.map(s -> TaskView.of(s, submission.orElse(null))).or(() -> submission);
  }

  /**
   * The state of task {@code taskId}'s saga; empty if no event of it was seen.
   *
   * @param forwarded whether another instance asked this one: then it is answered from this
   *     instance's partition or 503, never asked of another (see {@link QueryRoute#of})
   */
  public Optional<SagaState> saga(String taskId, boolean forwarded) {
    return byTask(TaskStores.SAGAS, taskId, forwarded, "/peers/sagas/", SagaState.class);
  }

  /**
   * The task as submitted, before its saga; empty if not submitted (or erased). {@code forwarded}
   * as in {@link #saga}.
   */
  Optional<TaskView> submission(String taskId, boolean forwarded) {
    return byTask(TaskStores.SUBMISSIONS, taskId, forwarded, "/peers/submissions/", TaskView.class);
  }

  private <V> Optional<V> byTask(
      String store, String taskId, boolean forwarded, String peerPath, Class<V> type) {
    return reads.byKey("task '" + taskId + "'", store, taskId, forwarded, peerPath, type);
  }
}
