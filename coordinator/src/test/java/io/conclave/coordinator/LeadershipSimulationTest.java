package io.conclave.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * The leadership state machine under generated random rebalances, with a model of what Kafka
 * guarantees around it: the group gives each shard to one member at a time, a member that crashed
 * or stalled is not told at once (it stays a zombie until its partitions are lost), and a write
 * stamped with an epoch is accepted only from the producer fenced in last for the shard (the new
 * leader's {@code initTransactions}).
 */
class LeadershipSimulationTest {
  /**
   * One step of a run: {@code kind} 0 an orderly move, 1 a crash move, 2 a late onLost, 3 a write.
   * Generated rather than drawn from a seeded {@code Random}, so that a failing run shrinks; {@code
   * a} and {@code b} pick shard, member or zombie modulo their count, and 60 is a multiple of every
   * member (1..5) and shard (1..4) count.
   */
  private record Step(int kind, int a, int b) {}

  private static final Gen<List<Step>> RUNS =
      lists()
          .of(
              integers()
                  .between(0, 3)
                  .zip(integers().between(0, 59), integers().between(0, 59), Step::new))
          .ofSizeBetween(20, 200);

  @Test
  void atMostOneLeaderPerShardAndEpochAndEpochsOnlyGrow() {
    qt().withExamples(300)
        .forAll(integers().between(1, 5), integers().between(1, 4), RUNS)
        .checkAssert((members, shards, run) -> new Simulation(members, shards).run(run));
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

  /** Members, the group's assignment and the fenced leadership log, driven by a generated run. */
  private static final class Simulation {
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

    Simulation(int members, int shards) {
      this.shards = shards;
      for (int i = 0; i < members; i++) {
        this.members.add(new Leadership());
      }
    }

    void run(List<Step> run) {
      for (step = 0; step < run.size(); step++) {
        Step s = run.get(step);
        switch (s.kind()) {
          case 0 -> move(s.a() % shards, s.b() % members.size(), true);
          case 1 -> move(s.a() % shards, s.b() % members.size(), false);
          case 2 -> deliverLost(s.a());
          default -> write(s.a() % members.size(), s.b() % shards);
        }
        checkInvariants();
      }
    }

    /**
     * The group gives {@code shard} to {@code to}: the old owner is told first (orderly) or not at
     * all (crash).
     */
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
      if (next.leaderOf(shard)
          .isPresent()) { // a zombie of this very shard is told it lost it before it rejoins
        next.onLost(shard);
        zombies.removeIf(z -> z[0] == to && z[1] == shard);
      }
      long before = published.getOrDefault(shard, 0L);
      long epoch = next.onAssigned(shard, before, Instant.EPOCH.plusMillis(step)).epoch();
      assertThat(epoch)
          .as(where("a new leader's epoch is above the published one"))
          .isGreaterThan(before);
      owner.put(shard, to);
      published.put(shard, epoch); // its fence makes it the only producer that can publish now
    }

    private void deliverLost(int pick) {
      if (zombies.isEmpty()) {
        return;
      }
      int[] z = zombies.remove(pick % zombies.size());
      if (!Integer.valueOf(z[0]).equals(owner.get(z[1]))) {
        members.get(z[0]).onLost(z[1]);
      }
    }

    /**
     * A member that believes it leads writes a command stamped with its epoch; only the fenced-in
     * owner's lands.
     */
    private void write(int member, int shard) {
      Optional<ShardRole.Leader> believed = members.get(member).leaderOf(shard);
      if (believed.isEmpty()) {
        return;
      }
      boolean fencedIn =
          Integer.valueOf(member).equals(owner.get(shard))
              && believed.get().epoch() == published.get(shard);
      if (fencedIn) {
        accepted.computeIfAbsent(shard, s -> new ArrayList<>()).add(believed.get().epoch());
      } else {
        assertThat(believed.get().epoch())
            .as(where("a zombie's epoch is below the current leader's"))
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
            assertThat(other)
                .as(
                    where(
                        "members "
                            + other
                            + " and "
                            + m
                            + " both lead shard "
                            + shard
                            + " with epoch "
                            + l.get().epoch()))
                .isNull();
            assertThat(l.get().epoch())
                .as(where("no belief above the published epoch"))
                .isLessThanOrEqualTo(published.get(shard));
          }
        }
        List<Long> writes = accepted.getOrDefault(shard, List.of());
        assertThat(writes)
            .as(where("accepted writes of shard " + shard + " never go back in epoch"))
            .isSorted();
      }
    }

    private String where(String what) {
      return what + " (step " + step + ")";
    }
  }
}
