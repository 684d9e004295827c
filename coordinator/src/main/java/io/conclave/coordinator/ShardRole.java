package io.conclave.coordinator;

import java.time.Instant;

/** What this coordinator is for one shard (one partition of conclave.tasks). */
public sealed interface ShardRole {
  int shard();

  /** Another member leads the shard, or nobody yet. */
  record Follower(int shard) implements ShardRole {}

  /**
   * This member leads the shard. The epoch is stamped on everything it writes; a larger epoch means
   * a later leader.
   */
  record Leader(int shard, long epoch, Instant since) implements ShardRole {}
}
