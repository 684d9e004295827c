package io.conclave.model.saga;

import io.conclave.model.Require;

/**
 * The shard (partition of conclave.tasks) and the leader epoch under which something was written.
 */
public record LeaderStamp(int shard, long epoch) {
  public LeaderStamp {
    Require.notNegative(shard, "shard");
    Require.notNegative(epoch, "epoch");
  }
}
