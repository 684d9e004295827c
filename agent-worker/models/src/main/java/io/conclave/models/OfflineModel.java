package io.conclave.models;

import io.conclave.agent.LlmClient;
import io.conclave.agent.chat.ChatRequest;
import io.conclave.agent.chat.ChatResponse;
import java.time.Duration;
import java.util.Objects;

/**
 * The model used when none is configured: no network, and the same prompt always gets the same
 * answer, so sagas, replays and tests are reproducible. It can take a fixed time to answer, to
 * stand in for a real model's latency (benchmarks of I/O-bound agents). Thread-safe.
 */
public final class OfflineModel implements LlmClient {
  /** The name recorded with the offline model's answers. */
  public static final String NAME = "offline";

  private final Duration latency;

  /**
   * @param latency how long each answer takes; zero answers at once
   */
  public OfflineModel(Duration latency) {
    if (Objects.requireNonNull(latency, "latency").isNegative()) {
      throw new IllegalArgumentException("latency must not be negative, was " + latency);
    }
    this.latency = latency;
  }

  /** An offline model that answers at once. */
  public static OfflineModel instant() {
    return new OfflineModel(Duration.ZERO);
  }

  @Override
  public String model() {
    return NAME;
  }

  /**
   * {@code answer <digest of the request>}: of the prompt for one plain user message, of the whole
   * request otherwise; its usage estimated.
   */
  @Override
  public ChatResponse chat(ChatRequest request) {
    String prompt = OpenAiWire.canonical(request);
    if (!latency.isZero()) {
      try {
        Thread.sleep(latency.toMillis(), latency.toNanosPart() % 1_000_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while the offline model was answering", e);
      }
    }
    String answer = "answer " + Digests.of(prompt);
    return ChatResponse.text(NAME, answer, Usage.estimate(request.text(), answer));
  }
}
