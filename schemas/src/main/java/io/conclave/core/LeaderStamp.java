package io.conclave.core;

/** The shard (partition of conclave.tasks) and the leader epoch under which something was written. */
public record LeaderStamp(int shard, long epoch) {
  public LeaderStamp {
    Require.notNegative(shard, "shard");
    Require.notNegative(epoch, "epoch");
  }
}
