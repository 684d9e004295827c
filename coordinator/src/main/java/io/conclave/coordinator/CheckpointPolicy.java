package io.conclave.coordinator;

import io.conclave.runtime.config.SagaRetention;
import io.conclave.runtime.env.EnvironmentLookup;
import io.conclave.runtime.env.Setting;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * When a shard leader writes a checkpoint, and how long it keeps ended sagas. A checkpoint is due
 * once the changes folded since the last one reach half of what a checkpoint holds (at least
 * {@value #MIN_CHANGES}), or once {@code conclave.coordinator.checkpoint-interval-ms} (30 s) has
 * passed with any change: a take-over then reads at most a checkpoint and a tail of about half its
 * size (or one interval's events), and writing checkpoints costs a bounded multiple of the events
 * folded, whatever the shard's history. Immutable.
 *
 * @param retention how long an ended saga's task id is kept ({@link SagaRetention})
 * @param interval the longest time between two checkpoints while anything changes
 */
public record CheckpointPolicy(SagaRetention retention, Duration interval) {
  static final Setting INTERVAL =
      Setting.of(
          "conclave.coordinator.checkpoint-interval-ms",
          "CONCLAVE_COORDINATOR_CHECKPOINT_INTERVAL_MS",
          30_000);

  /** The settings a coordinator reads for it, beyond {@link SagaRetention#SETTINGS}. */
  public static final List<Setting> SETTINGS = List.of(INTERVAL);

  /** Fewer changes than this are never worth a checkpoint before the interval has passed. */
  static final int MIN_CHANGES = 1000;

  public static final CheckpointPolicy DEFAULT =
      new CheckpointPolicy(
          SagaRetention.DEFAULT, Duration.ofMillis(Long.parseLong(INTERVAL.fallback())));

  public CheckpointPolicy {
    Objects.requireNonNull(retention, "retention");
    Objects.requireNonNull(interval, "interval");
    if (interval.toMillis() < 100) {
      throw new IllegalArgumentException(
          INTERVAL.names() + " must be at least 100 ms, was " + interval.toMillis());
    }
  }

  public static CheckpointPolicy from(EnvironmentLookup env) {
    return new CheckpointPolicy(SagaRetention.from(env), env.millis(INTERVAL));
  }

  /**
   * Whether to write a checkpoint now.
   *
   * @param changes events folded and sagas retired since the last checkpoint
   * @param size what a checkpoint would hold ({@link ShardSagas#size()})
   * @param since the time since the last checkpoint (or since the take-over)
   */
  boolean due(long changes, int size, Duration since) {
    return changes > 0
        && (changes >= Math.max(MIN_CHANGES, size / 2) || since.compareTo(interval) >= 0);
  }
}
