package io.conclave.agent;

/** A language model an agent asks. Implementations must be thread-safe. */
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

  /**
   * What a call cost in tokens: as the model reported it, or estimated (about four characters a
   * token) for a model that does not say.
   */
  record Usage(long inputTokens, long outputTokens, boolean estimated) {
    public Usage {
      if (inputTokens < 0 || outputTokens < 0) {
        throw new IllegalArgumentException("token counts must not be negative");
      }
    }

    /** An estimate from the texts' lengths. */
    public static Usage estimate(String prompt, String answer) {
      return new Usage((prompt.length() + 3) / 4, (answer.length() + 3) / 4, true);
    }

    public long total() {
      return inputTokens + outputTokens;
    }
  }

  /**
   * An answer, the model that gave it (another than {@link #model()} when a fallback answered) and
   * its usage.
   */
  record Answer(String model, String text, Usage usage) {}

  /**
   * The answer to {@code prompt} with the name of the model that gave it and the tokens it took
   * (estimated unless the implementation knows them); as {@link #complete} otherwise.
   */
  default Answer answer(String prompt) {
    String text = complete(prompt);
    return new Answer(model(), text, Usage.estimate(prompt, text));
  }
}
