package io.conclave.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * The leadership state machine under seeded random rebalances, with a model of what Kafka guarantees around it:
 * the group gives each shard to one member at a time, a member that crashed or stalled is not told at once (it
 * stays a zombie until its partitions are lost), and a write stamped with an epoch is accepted only from the
 * producer fenced in last for the shard (the new leader's {@code initTransactions}).
 */
class LeadershipSimulationTest {
  @Property(tries = 300)
  void atMostOneLeaderPerShardAndEpochAndEpochsOnlyGrow(@ForAll long seed,
                                                        @ForAll @IntRange(min = 1, max = 5) int members,
                                                        @ForAll @IntRange(min = 1, max = 4) int shards,
                                                        @ForAll @IntRange(min = 20, max = 200) int steps) {
    new Simulation(seed, members, shards).run(steps);
  }

  @Test
  void aLeaderThatIsAssignedAgainAfterLosingTheShardGetsALargerEpoch() {
    // Given
    Leadership leadership = new Leadership();
    Instant t = Instant.parse("2026-11-24T10:00:00Z");

    // When: nobody else published in between
    long first = leadership.onAssigned(0, 0, t).epoch();
    leadership.onLost(0);
    long second = leadership.onAssigned(0, 0, t.plusSeconds(1)).epoch();

    // Then
    assertThat(second).isGreaterThan(first);
    assertThat(leadership.role(0)).isEqualTo(new ShardRole.Leader(0, second, t.plusSeconds(1)));
  }

  @Test
  void anAssignmentWhileLeadingIsRejected() {
    // Given
    Leadership leadership = new Leadership();
    leadership.onAssigned(2, 5, Instant.EPOCH);

    // When / then
    assertThatThrownBy(() -> leadership.onAssigned(2, 5, Instant.EPOCH))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("shard 2");
  }

  @Test
  void rolesAreFollowerUntilAssignedAndAfterRevocation() {
    // Given
    Leadership leadership = new Leadership();

    // When / then
    assertThat(leadership.role(1)).isEqualTo(new ShardRole.Follower(1));
    leadership.onAssigned(1, 3, Instant.EPOCH);
    assertThat(leadership.leaderOf(1)).map(ShardRole.Leader::epoch).contains(4L);
    assertThat(leadership.led()).extracting(ShardRole.Leader::shard).containsExactly(1);
    leadership.onRevoked(1);
    assertThat(leadership.role(1)).isEqualTo(new ShardRole.Follower(1));
    assertThat(leadership.led()).isEmpty();
  }

  /** Members, the group's assignment and the fenced leadership log, driven by one seed. */
  private static final class Simulation {
    private final long seed;
    private final Random random;
    private final int shards;
    private final List<Leadership> members = new ArrayList<>();
    /** The member the group has given each shard to (empty: unassigned). */
    private final Map<Integer, Integer> owner = new HashMap<>();
    /** Highest epoch published per shard: what a new leader reads after fencing. */
    private final Map<Integer, Long> published = new HashMap<>();
    /** Members that still believe they lead a shard they no longer own, waiting for onLost. */
    private final List<int[]> zombies = new ArrayList<>();
    /** Epochs of accepted writes, per shard, in order. */
    private final Map<Integer, List<Long>> accepted = new HashMap<>();
    private int step;

    Simulation(long seed, int members, int shards) {
      this.seed = seed;
      this.random = new Random(seed);
      this.shards = shards;
      for (int i = 0; i < members; i++) {
        this.members.add(new Leadership());
      }
    }

    void run(int steps) {
      for (step = 0; step < steps; step++) {
        switch (random.nextInt(4)) {
          case 0 -> move(random.nextInt(shards), random.nextInt(members.size()), true);
          case 1 -> move(random.nextInt(shards), random.nextInt(members.size()), false);
          case 2 -> deliverLost();
          default -> write(random.nextInt(members.size()), random.nextInt(shards));
        }
        checkInvariants();
      }
    }

    /** The group gives {@code shard} to {@code to}: the old owner is told first (orderly) or not at all (crash). */
    private void move(int shard, int to, boolean orderly) {
      Integer from = owner.get(shard);
      if (from != null && from == to) {
        return;
      }
      if (from != null) {
        if (orderly) {
          members.get(from).onRevoked(shard);
        } else {
          zombies.add(new int[] {from, shard});
        }
      }
      Leadership next = members.get(to);
      if (next.leaderOf(shard).isPresent()) { // a zombie of this very shard is told it lost it before it rejoins
        next.onLost(shard);
        zombies.removeIf(z -> z[0] == to && z[1] == shard);
      }
      long before = published.getOrDefault(shard, 0L);
      long epoch = next.onAssigned(shard, before, Instant.EPOCH.plusMillis(step)).epoch();
      assertThat(epoch).as(where("a new leader's epoch is above the published one")).isGreaterThan(before);
      owner.put(shard, to);
      published.put(shard, epoch); // its fence makes it the only producer that can publish now
    }

    private void deliverLost() {
      if (zombies.isEmpty()) {
        return;
      }
      int[] z = zombies.remove(random.nextInt(zombies.size()));
      if (!Integer.valueOf(z[0]).equals(owner.get(z[1]))) {
        members.get(z[0]).onLost(z[1]);
      }
    }

    /** A member that believes it leads writes a command stamped with its epoch; only the fenced-in owner's lands. */
    private void write(int member, int shard) {
      Optional<ShardRole.Leader> believed = members.get(member).leaderOf(shard);
      if (believed.isEmpty()) {
        return;
      }
      boolean fencedIn = Integer.valueOf(member).equals(owner.get(shard))
          && believed.get().epoch() == published.get(shard);
      if (fencedIn) {
        accepted.computeIfAbsent(shard, s -> new ArrayList<>()).add(believed.get().epoch());
      } else {
        assertThat(believed.get().epoch()).as(where("a zombie's epoch is below the current leader's"))
            .isLessThan(published.get(shard));
      }
    }

    private void checkInvariants() {
      for (int shard = 0; shard < shards; shard++) {
        Map<Long, Integer> leadersByEpoch = new HashMap<>();
        for (int m = 0; m < members.size(); m++) {
          Optional<ShardRole.Leader> l = members.get(m).leaderOf(shard);
          if (l.isPresent()) {
            Integer other = leadersByEpoch.put(l.get().epoch(), m);
            assertThat(other).as(where("members " + other + " and " + m + " both lead shard " + shard
                + " with epoch " + l.get().epoch())).isNull();
            assertThat(l.get().epoch()).as(where("no belief above the published epoch"))
                .isLessThanOrEqualTo(published.get(shard));
          }
        }
        List<Long> writes = accepted.getOrDefault(shard, List.of());
        assertThat(writes).as(where("accepted writes of shard " + shard + " never go back in epoch")).isSorted();
      }
    }

    private String where(String what) {
      return what + " (seed " + seed + ", step " + step + ")";
    }
  }
}
