package io.conclave.model.cluster;

import io.conclave.model.Require;
import java.time.Instant;

/** {@code memberId} on {@code host} became the leader of {@code shard} with {@code epoch}. */
public record LeaderElected(int shard, long epoch, String memberId, String host, Instant at) {
  public LeaderElected {
    Require.notNegative(shard, "shard");
    Require.notNegative(epoch, "epoch");
    Require.text(memberId, "memberId");
    Require.text(host, "host");
    Require.present(at, "at");
  }
}
