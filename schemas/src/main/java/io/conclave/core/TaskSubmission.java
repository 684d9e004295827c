package io.conclave.core;

import java.time.Instant;

/**
 * A task a client asked Conclave to carry out. The {@code taskId} is the idempotency key:
 * submitting the same id again does not start a second saga.
 */
public record TaskSubmission(String taskId, String prompt, Instant submittedAt) {
  /** The longest task id accepted. */
  public static final int MAX_ID_LENGTH = Require.MAX_ID_LENGTH;

  public TaskSubmission {
    Require.id(taskId, "taskId");
    Require.text(prompt, "prompt");
    Require.present(submittedAt, "submittedAt");
  }
}
