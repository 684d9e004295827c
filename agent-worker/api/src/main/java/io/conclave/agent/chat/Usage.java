package io.conclave.agent.chat;

/**
 * What a call cost in tokens: as the model reported it, or estimated (about four characters a
 * token) for a model that does not say.
 */
public record Usage(long inputTokens, long outputTokens, boolean estimated) {
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
