package io.conclave.model.saga;

import io.conclave.model.Require;

/**
 * Saga ids: one saga per task, {@code saga-<taskId>}, so the saga of a task is found from its id
 * and a repeated start is recognisable downstream. A saga id is five characters longer than its
 * task id, so it may be longer than other ids (at most {@link
 * io.conclave.model.cluster.TaskSubmission#MAX_ID_LENGTH} + 5 characters).
 */
public final class SagaIds {
  private static final String PREFIX = "saga-";

  private SagaIds() {}

  /** The id of task {@code taskId}'s saga. */
  public static String of(String taskId) {
    return PREFIX + taskId;
  }

  /**
   * The task of saga {@code sagaId}.
   *
   * @throws IllegalArgumentException if the id is not {@code saga-<taskId>} with a well-formed task
   *     id
   */
  public static String taskIdOf(String sagaId) {
    Require.text(sagaId, "sagaId");
    if (!sagaId.startsWith(PREFIX)) {
      throw new IllegalArgumentException(
          "sagaId must be 'saga-' followed by the task id, was '" + shorten(sagaId) + "'");
    }
    String taskId = sagaId.substring(PREFIX.length());
    try {
      return Require.id(taskId, "taskId");
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "sagaId must be 'saga-' followed by the task id: the " + e.getMessage(), e);
    }
  }

  private static String shorten(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "..." : s;
  }
}
