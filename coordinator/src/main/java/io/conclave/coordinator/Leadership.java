package io.conclave.coordinator;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One coordinator's leadership of the shards, as an explicit state machine fed only by rebalance
 * events:
 *
 * <pre>
 *   Follower --assigned(published epoch e)--> Leader(epoch &gt; e) --revoked | lost--> Follower
 * </pre>
 *
 * A new leader's epoch is above every epoch published for the shard and every epoch this member
 * held for it, so epochs grow strictly with each change of leader. Uniqueness across members rests
 * on the fence: the new leader reads the published epoch only after its transactional producer
 * (bound to the shard) has fenced the previous leader, so no earlier leader can publish after that
 * read.
 *
 * <p>Not thread-safe: fed by one consumer's rebalance callbacks. No I/O, no clock: time is passed
 * in.
 */
public final class Leadership {
  private final Map<Integer, ShardRole> roles = new HashMap<>();
  private final Map<Integer, Long> highestEpoch = new HashMap<>();

  /**
   * This member was assigned {@code shard}.
   *
   * @param publishedEpoch the highest epoch published for the shard so far (0 if none)
   * @throws IllegalStateException if this member already leads the shard (an assignment must follow
   *     a revocation)
   */
  public ShardRole.Leader onAssigned(int shard, long publishedEpoch, Instant now) {
    if (roles.get(shard) instanceof ShardRole.Leader current) {
      throw new IllegalStateException(
          "shard " + shard + " assigned while already led with epoch " + current.epoch());
    }
    long epoch = Math.max(publishedEpoch, highestEpoch.getOrDefault(shard, 0L)) + 1;
    highestEpoch.put(shard, epoch);
    var leader = new ShardRole.Leader(shard, epoch, now);
    roles.put(shard, leader);
    return leader;
  }

  /** The shard was taken away in an orderly rebalance. */
  public ShardRole.Follower onRevoked(int shard) {
    return follow(shard);
  }

  /** The shard was lost (session expired, or a newer leader fenced this one): step down. */
  public ShardRole.Follower onLost(int shard) {
    return follow(shard);
  }

  public ShardRole role(int shard) {
    return roles.getOrDefault(shard, new ShardRole.Follower(shard));
  }

  public Optional<ShardRole.Leader> leaderOf(int shard) {
    return role(shard) instanceof ShardRole.Leader l ? Optional.of(l) : Optional.empty();
  }

  /** The shards this member leads. */
  public List<ShardRole.Leader> led() {
    List<ShardRole.Leader> out = new ArrayList<>();
    roles
        .values()
        .forEach(
            r -> {
              if (r instanceof ShardRole.Leader l) {
                out.add(l);
              }
            });
    return out;
  }

  private ShardRole.Follower follow(int shard) {
    var follower = new ShardRole.Follower(shard);
    roles.put(shard, follower);
    return follower;
  }
}
