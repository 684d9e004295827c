package io.conclave.worker;

/**
 * A language model an agent asks. Implementations must be thread-safe.
 */
public interface LlmClient {
  /** The model's name as recorded with each call, e.g. {@code offline} or {@code gpt-4o-mini}. */
  String model();

  /**
   * The model's answer to {@code prompt}.
   *
   * @throws IllegalArgumentException if the prompt can never be answered
   * @throws RuntimeException for a transient failure (the step is retried)
   */
  String complete(String prompt);
}
