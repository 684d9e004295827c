package io.conclave.core;

import java.time.Instant;

/**
 * A task a client asked Conclave to carry out. The {@code taskId} is the idempotency key:
 * submitting the same id again does not start a second saga.
 */
public record TaskSubmission(String taskId, String prompt, Instant submittedAt) {
  /** The longest task id accepted: ids are Kafka keys and appear in URLs. */
  public static final int MAX_ID_LENGTH = 128;

  public TaskSubmission {
    Require.text(taskId, "taskId");
    if (taskId.length() > MAX_ID_LENGTH) {
      throw new IllegalArgumentException("taskId must be at most " + MAX_ID_LENGTH + " characters");
    }
    if (!taskId.chars().allMatch(TaskSubmission::idChar)) {
      throw new IllegalArgumentException("taskId may only contain letters, digits, '-', '_' and '.'");
    }
    Require.text(prompt, "prompt");
    Require.present(submittedAt, "submittedAt");
  }

  private static boolean idChar(int c) {
    return c < 128 && (Character.isLetterOrDigit(c) || c == '-' || c == '_' || c == '.');
  }
}
