package io.conclave.testkit;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.awaitility.core.ThrowingRunnable;

/** How an IT waits for what Conclave does asynchronously: one patience for every IT. */
public final class Eventually {
  /**
   * Long enough for a rebalance, a take-over and a Streams restore on a loaded two-core machine; a
   * passing test never waits that long, a failing one says what it last saw.
   */
  public static final Duration PATIENCE = Duration.ofSeconds(90);

  private Eventually() {}

  /**
   * Retries {@code assertion} (exceptions included) every 200 ms until it passes, or fails after
   * {@link #PATIENCE}.
   */
  public static void eventually(ThrowingRunnable assertion) {
    await()
        .atMost(PATIENCE)
        .pollInterval(Duration.ofMillis(200))
        .ignoreExceptions()
        .untilAsserted(assertion);
  }
}
