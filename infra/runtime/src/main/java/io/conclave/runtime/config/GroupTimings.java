package io.conclave.runtime.config;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;

/**
 * How fast Conclave's consumer groups (coordinators, workers) notice a member is gone, and so how
 * fast a shard or a command partition changes hands.
 *
 * <p>Conclave uses the classic group protocol with the cooperative-sticky assignor: the session
 * timeout and heartbeat are set by each client (the KIP-848 protocol takes them only as group
 * configs through the admin API), and a member joining or leaving moves only the partitions that
 * must move, so the other shards keep their leader and epoch. The broker must allow the session
 * timeout ({@code group.min.session.timeout.ms}, 6000 by default).
 *
 * @param sessionTimeout a member that stops heartbeating (crash, kill -9, partition) loses its
 *     partitions after this; default 1 s
 * @param heartbeat heartbeat interval, at most a third of the session timeout; default 100 ms. A
 *     member learns of a rebalance with its next heartbeat, so this bounds a graceful handover
 * @param maxPollInterval a member whose processing thread is stuck this long (while its heartbeats
 *     go on) leaves the group; default 5 min. A member spends at most a third of it on one poll's
 *     records ({@link #batchBudget()}) and a step at most another third ({@link #stepBudget()}), so
 *     a slow or hung call never makes it leave
 */
public record GroupTimings(Duration sessionTimeout, Duration heartbeat, Duration maxPollInterval) {
  public GroupTimings {
    if (heartbeat.multipliedBy(3).compareTo(sessionTimeout) > 0) {
      throw new IllegalArgumentException(
          "heartbeat interval "
              + heartbeat.toMillis()
              + " ms must be at most a third of the session timeout "
              + sessionTimeout.toMillis()
              + " ms");
    }
    if (maxPollInterval.compareTo(sessionTimeout) < 0) {
      throw new IllegalArgumentException("max poll interval must be at least the session timeout");
    }
  }

  public static GroupTimings defaults() {
    return new GroupTimings(Duration.ofMillis(1000), Duration.ofMillis(100), Duration.ofMinutes(5));
  }

  /**
   * How long a member may spend on one poll's records: past it, it starts no further record,
   * commits what it has done and reads the rest again. A third of the max poll interval.
   */
  public Duration batchBudget() {
    return maxPollInterval.dividedBy(3);
  }

  /**
   * The longest one record's handling (a saga step, all its attempts) may take: a third of the max
   * poll interval.
   */
  public Duration stepBudget() {
    return maxPollInterval.dividedBy(3);
  }

  public GroupTimings withMaxPollInterval(Duration interval) {
    return new GroupTimings(sessionTimeout, heartbeat, interval);
  }

  /** Consumer settings for a group member with these timings. */
  public Map<String, Object> consumerConfig() {
    Map<String, Object> c = new HashMap<>();
    c.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic");
    c.put(
        ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
        CooperativeStickyAssignor.class.getName());
    c.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) sessionTimeout.toMillis());
    c.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, (int) heartbeat.toMillis());
    c.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, (int) maxPollInterval.toMillis());
    return c;
  }
}
