package io.conclave.bench;

import io.conclave.runtime.security.ClientConfigs;
import io.conclave.runtime.security.KafkaAccess;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.GroupState;

/**
 * Waits on consumer groups, so that a benchmark measures members that have settled rather than a
 * rebalance.
 */
final class ConsumerGroups {
  private ConsumerGroups() {}

  /**
   * Returns once each of {@code groups} is stable with at least {@code members} members.
   *
   * @throws IllegalStateException if one is not within {@code timeout}
   */
  static void awaitStable(KafkaAccess kafka, List<String> groups, int members, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (Admin admin = Admin.create(ClientConfigs.admin(kafka))) {
      while (System.nanoTime() < deadline) {
        try {
          var described = admin.describeConsumerGroups(groups).all().get();
          if (described.values().stream()
              .allMatch(
                  d -> d.members().size() >= members && d.groupState() == GroupState.STABLE)) {
            return;
          }
        } catch (ExecutionException e) {
          // a group is not there yet
        }
        Thread.sleep(50);
      }
    }
    throw new IllegalStateException(
        groups + " did not all settle with " + members + " members within " + timeout);
  }
}
