package io.conclave.projections.operations;

import io.conclave.model.cluster.LeaderElected;
import io.micronaut.serde.annotation.Serdeable;
import java.time.Instant;

/** The current leader of one shard: who, with which epoch, since when. */
@Serdeable
public record LeaderView(int shard, long epoch, String memberId, String host, Instant since) {
  public static LeaderView of(LeaderElected e) {
    return new LeaderView(e.shard(), e.epoch(), e.memberId(), e.host(), e.at());
  }
}
