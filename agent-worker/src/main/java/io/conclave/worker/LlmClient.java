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

  /** An answer and the model that gave it (another than {@link #model()} when a fallback answered). */
  record Answer(String model, String text) {}

  /** The answer to {@code prompt} with the name of the model that gave it; as {@link #complete} otherwise. */
  default Answer answer(String prompt) {
    return new Answer(model(), complete(prompt));
  }
}
