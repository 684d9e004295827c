package io.conclave.runtime.loop;

import java.time.Duration;

/** The loop's monotonic time and waits: the system's in production, a test's own in unit tests. */
interface LoopTime {
  /** A monotonic reading in nanoseconds, as {@link System#nanoTime()}. */
  long nanoTime();

  /**
   * Waits {@code d} (a retry's backoff); an interruption ends the wait and is kept on the thread.
   */
  void sleep(Duration d);

  LoopTime SYSTEM =
      new LoopTime() {
        @Override
        public long nanoTime() {
          return System.nanoTime();
        }

        @Override
        public void sleep(Duration d) {
          try {
            Thread.sleep(d.toMillis());
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
      };
}
