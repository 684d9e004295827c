package io.conclave.examples.research;

/**
 * Where the writer publishes its drafts: the effect outside Kafka. Calls are keyed by the step's
 * idempotency key, so that a step run again after a crash publishes once.
 */
public interface Publisher {
  /** Publishes {@code text} under {@code key}, once per key. */
  void publish(String key, String text);

  /** Withdraws what was published under {@code key}, if anything. */
  void withdraw(String key);

  /** A publisher that only logs what it would do, for running the example. */
  Publisher LOG =
      new Publisher() {
        private final System.Logger log = System.getLogger(Publisher.class.getName());

        @Override
        public void publish(String key, String text) {
          log.log(System.Logger.Level.INFO, "published {0} ({1} characters)", key, text.length());
        }

        @Override
        public void withdraw(String key) {
          log.log(System.Logger.Level.INFO, "withdrew {0}", key);
        }
      };
}
