package io.conclave.projections.tasks;

/**
 * The names of the stores keyed by task id: the submissions ({@link SubmissionFold}) and the sagas
 * (one saga per task, its events partitioned by its task id; {@code SagaFold}), and the stores
 * their folds keep beside them.
 */
public final class TaskStores {
  public static final String SUBMISSIONS = "task-submissions";
  public static final String SAGAS = "task-sagas";

  /** When each submission retires: {@code Retirements}. */
  public static final String SUBMISSION_RETIREMENTS = "task-submission-retirements";

  /** When each ended saga retires: {@code Retirements}. */
  public static final String SAGA_RETIREMENTS = "task-saga-retirements";

  /** Status -> how many of the partition's sagas are in it ({@code SagaFold}). */
  public static final String SAGA_COUNTS = "task-saga-counts";

  private TaskStores() {}
}
