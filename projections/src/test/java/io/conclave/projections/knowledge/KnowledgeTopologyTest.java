package io.conclave.projections.knowledge;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.model.cluster.DeadLetter;
import io.conclave.model.crdt.GCounter;
import io.conclave.model.crdt.KnowledgeType;
import io.conclave.model.crdt.OrSet;
import io.conclave.model.knowledge.KnowledgeDelta;
import io.conclave.model.knowledge.KnowledgeState;
import io.conclave.projections.TopologyAssembly;
import io.conclave.projections.agents.DecisionView;
import io.conclave.projections.ledger.AgentLedger;
import io.conclave.projections.ledger.TenantLedger;
import io.conclave.projections.operations.LeaderView;
import io.conclave.projections.runtime.ByReference;
import io.conclave.projections.runtime.JsonSerde;
import io.conclave.projections.runtime.ProjectionTopology;
import io.conclave.projections.tasks.TaskView;
import io.conclave.runtime.topics.TopicNames;
import io.micronaut.serde.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Random;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.VersionedKeyValueStore;
import org.apache.kafka.streams.state.VersionedRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The knowledge sub-topology, through the projections' whole topology in a {@link
 * TopologyTestDriver}: merges are a join, so the stores cannot tell deltas delivered in order from
 * deltas delivered late, out of order and more than once (only the count of delta records differs),
 * and the history answers at t with the merge of the deltas made at or before t, whatever the order
 * they came in. Poison goes to the dead-letter topic and the rest carries on.
 */
class KnowledgeTopologyTest {
  private static final TopicNames TOPICS = new TopicNames("acme");
  private static final Duration WEEK = Duration.ofDays(7);

  @TempDir Path stateDir;

  /**
   * One test driver over the projections' topology, with by-reference serdes for deltas and dead
   * letters.
   */
  private final class Projections implements AutoCloseable {
    final ByReference<KnowledgeDelta> deltas = new ByReference<>();
    final ByReference<DeadLetter> deadLetters = new ByReference<>();
    final TopologyTestDriver driver;
    final TestInputTopic<byte[], byte[]> knowledge;
    final TestOutputTopic<byte[], DeadLetter> letters;

    Projections(String name, Duration retention) {
      var json = ObjectMapper.getDefault();
      var serdes =
          new TopologyAssembly.TopologySerdes(
              new ByReference<>(),
              new ByReference<>(),
              new ByReference<>(),
              new ByReference<>(),
              new ByReference<>(),
              new JsonSerde<>(json, TaskView.class),
              new JsonSerde<>(json, io.conclave.model.saga.SagaState.class),
              new JsonSerde<>(json, DecisionView.class),
              new JsonSerde<>(json, LeaderView.class),
              deltas,
              deadLetters,
              new JsonSerde<>(json, AgentLedger.class),
              new JsonSerde<>(json, TenantLedger.class));
      Properties props = new Properties();
      props.put(StreamsConfig.APPLICATION_ID_CONFIG, ProjectionTopology.applicationId(TOPICS));
      props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
      props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.resolve(name).toString());
      driver = new TopologyTestDriver(TopologyAssembly.build(TOPICS, serdes, retention), props);
      knowledge =
          driver.createInputTopic(
              TOPICS.knowledge(), Serdes.ByteArray().serializer(), Serdes.ByteArray().serializer());
      letters =
          driver.createOutputTopic(
              TOPICS.deadLetters(), Serdes.ByteArray().deserializer(), deadLetters.deserializer());
    }

    /**
     * As a worker writes it: keyed by the knowledge key (UTF-8), timestamped with the delta's time.
     */
    void pipe(KnowledgeDelta delta) {
      knowledge.pipeInput(
          utf8(delta.key()), deltas.serializer().serialize(TOPICS.knowledge(), delta), delta.at());
    }

    void pipeRaw(byte[] key, byte[] value) {
      knowledge.pipeInput(key, value, KnowledgeHistories.START);
    }

    KeyValueStore<String, KnowledgeState> latest() {
      return driver.getKeyValueStore(KnowledgeTopology.STORE);
    }

    VersionedKeyValueStore<String, KnowledgeState> history() {
      return driver.getVersionedKeyValueStore(KnowledgeTopology.HISTORY);
    }

    /** The history's answer at {@code t}, as the HTTP API gives it. */
    Optional<KnowledgeState> asOf(String key, Instant t) {
      VersionedRecord<KnowledgeState> version = history().get(key, t.toEpochMilli());
      return version == null ? Optional.empty() : Optional.of(version.value());
    }

    @Override
    public void close() {
      driver.close();
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 4, 5})
  void deltasDeliveredInOrderOrLateOutOfOrderAndTwiceGiveTheSameStores(long seed) {
    // given: two keys of each type, each updated by three replicas on their own views
    Random random = new Random(seed);
    Map<String, List<KnowledgeDelta>> histories = histories(random, Duration.ofMillis(250));
    List<KnowledgeDelta> inOrder =
        KnowledgeHistories.interleaved(new ArrayList<>(histories.values()), random);
    List<KnowledgeDelta> redelivered = KnowledgeHistories.redelivered(inOrder, random);

    try (var ordered = new Projections("ordered", WEEK);
        var shuffled = new Projections("shuffled", WEEK)) {
      // when
      inOrder.forEach(ordered::pipe);
      redelivered.forEach(shuffled::pipe);

      // then: every key is the merge of all its deltas, the same both ways but for the count of
      // records
      histories.forEach(
          (key, deltas) -> {
            KnowledgeState once = ordered.latest().get(key);
            KnowledgeState again = shuffled.latest().get(key);
            assertThat(once)
                .as(key)
                .isEqualTo(KnowledgeHistories.expected(deltas, Instant.MAX).orElseThrow());
            assertThat(again)
                .as(key)
                .isEqualTo(
                    KnowledgeHistories.expected(ofKey(redelivered, key), Instant.MAX)
                        .orElseThrow());
            assertThat(again.crdt()).as(key).isEqualTo(once.crdt());
            assertThat(again.updatedAt()).as(key).isEqualTo(once.updatedAt());
            assertThat(ordered.history().get(key).value()).as(key).isEqualTo(once);
            assertThat(shuffled.history().get(key).value()).as(key).isEqualTo(again);
          });
      // and: at any time, the history holds the merge of the deltas made by then, whatever order
      // they came in
      histories.forEach(
          (key, deltas) -> {
            for (Instant t : times(deltas, random)) {
              Optional<KnowledgeState> once = ordered.asOf(key, t);
              Optional<KnowledgeState> again = shuffled.asOf(key, t);
              assertThat(once)
                  .as(key + " at " + t)
                  .isEqualTo(KnowledgeHistories.expected(deltas, t));
              assertThat(again)
                  .as(key + " at " + t)
                  .isEqualTo(KnowledgeHistories.expected(ofKey(redelivered, key), t));
              assertThat(again.map(KnowledgeState::crdt))
                  .as(key + " at " + t)
                  .isEqualTo(once.map(KnowledgeState::crdt));
            }
          });
      assertThat(ordered.letters.isEmpty()).isTrue();
      assertThat(shuffled.letters.isEmpty()).isTrue();
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {11, 12, 13})
  void deltasOlderThanTheHistoryRetentionAreInEveryAnswerItStillGives(long seed) {
    // given: histories over about six hours (ticks of five minutes), and a history that keeps one
    // hour
    Random random = new Random(seed);
    Duration retention = Duration.ofHours(1);
    Map<String, List<KnowledgeDelta>> histories = histories(random, Duration.ofMinutes(5));
    List<KnowledgeDelta> inOrder =
        KnowledgeHistories.interleaved(new ArrayList<>(histories.values()), random);
    List<KnowledgeDelta> redelivered = KnowledgeHistories.redelivered(inOrder, random);
    Instant newest = inOrder.stream().map(KnowledgeDelta::at).max(Instant::compareTo).orElseThrow();
    Instant oldestKept = newest.minus(retention);
    assertThat(inOrder.stream().map(KnowledgeDelta::at).min(Instant::compareTo).orElseThrow())
        .as("the histories reach further back than the retention")
        .isBefore(oldestKept.minus(retention));

    try (var ordered = new Projections("ordered", retention);
        var shuffled = new Projections("shuffled", retention)) {
      // when: in order, and with deltas hours late
      inOrder.forEach(ordered::pipe);
      redelivered.forEach(shuffled::pipe);

      // then: the latest state has every delta, and so does every answer of the history within its
      // retention
      histories.forEach(
          (key, deltas) -> {
            assertThat(shuffled.latest().get(key))
                .as(key)
                .isEqualTo(
                    KnowledgeHistories.expected(ofKey(redelivered, key), Instant.MAX)
                        .orElseThrow());
            List<Instant> times = new ArrayList<>(times(deltas, random));
            times.add(oldestKept);
            for (Instant t : times) {
              if (t.isBefore(oldestKept)) {
                continue;
              }
              assertThat(ordered.asOf(key, t))
                  .as(key + " at " + t)
                  .isEqualTo(KnowledgeHistories.expected(deltas, t));
              assertThat(shuffled.asOf(key, t))
                  .as(key + " at " + t)
                  .isEqualTo(KnowledgeHistories.expected(ofKey(redelivered, key), t));
            }
          });
    }
  }

  @Test
  void aKeyWhoseOnlyDeltaIsOlderThanTheRetentionIsInTheHistoryFromTheOldestTimeKept() {
    // given: a partition whose newest delta is two hours after the one late delta of a new key
    Duration retention = Duration.ofHours(1);
    Instant t0 = KnowledgeHistories.START;
    KnowledgeDelta recent =
        delta(
            "recent",
            "alpha-0",
            0,
            t0.plus(Duration.ofHours(2)),
            GCounter.EMPTY.increment("alpha-0", 1));
    KnowledgeDelta late = delta("late", "beta-1", 0, t0, GCounter.EMPTY.increment("beta-1", 5));

    try (var projections = new Projections("late", retention)) {
      // when
      projections.pipe(recent);
      projections.pipe(late);

      // then: from the oldest time kept on, the history has it; the latest store too
      Instant oldestKept = recent.at().minus(retention);
      assertThat(projections.latest().get("late")).isEqualTo(KnowledgeState.of(late));
      assertThat(projections.asOf("late", oldestKept)).contains(KnowledgeState.of(late));
      assertThat(projections.asOf("late", recent.at())).contains(KnowledgeState.of(late));
      assertThat(projections.asOf("late", oldestKept.minusMillis(1))).isEmpty();
    }
  }

  @Test
  void poisonAndTypeConflictsGoToTheDeadLetterTopicAndLaterDeltasStillMerge() {
    // given: a g-counter key, then six records that cannot be merged, then another delta of the key
    Instant t0 = KnowledgeHistories.START;
    KnowledgeDelta first =
        delta("team.tokens", "alpha-0", 0, t0, GCounter.EMPTY.increment("alpha-0", 3));
    KnowledgeDelta conflict =
        delta("team.tokens", "beta-1", 0, t0.plusSeconds(1), OrSet.EMPTY.add("beta-1", "x"));
    KnowledgeDelta elsewhere =
        delta("team.other", "beta-1", 1, t0.plusSeconds(2), GCounter.EMPTY.increment("b", 1));
    KnowledgeDelta second =
        delta("team.tokens", "beta-1", 2, t0.plusSeconds(3), GCounter.EMPTY.increment("beta-1", 4));
    byte[] poison = {0x00, 0x2a};

    try (var projections = new Projections("poison", WEEK)) {
      byte[] conflictBytes =
          projections.deltas.serializer().serialize(TOPICS.knowledge(), conflict);
      byte[] elsewhereBytes =
          projections.deltas.serializer().serialize(TOPICS.knowledge(), elsewhere);

      // when
      projections.pipe(first);
      projections.pipeRaw(utf8("team.tokens"), poison); // offset 1
      projections.pipeRaw(utf8("team.tokens"), conflictBytes); // 2
      projections.pipeRaw(utf8("team.tokens"), elsewhereBytes); // 3
      projections.pipeRaw(utf8("not a key!"), elsewhereBytes); // 4
      projections.pipeRaw(utf8("team.tokens"), null); // 5
      projections.pipeRaw(new byte[] {(byte) 0xc3, (byte) 0x28}, elsewhereBytes); // 6: not UTF-8
      projections.pipe(second);

      // then: one dead letter each, with where it came from, why, and its bytes
      List<DeadLetter> letters = projections.letters.readValuesToList();
      assertThat(letters)
          .extracting(DeadLetter::sourceOffset)
          .containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
      assertThat(letters)
          .allSatisfy(
              letter -> {
                assertThat(letter.sourceTopic()).isEqualTo(TOPICS.knowledge());
                assertThat(letter.sourcePartition()).isZero();
              });
      assertThat(letters.get(0).value()).isEqualTo(poison);
      assertThat(letters.get(0).key()).isEqualTo(utf8("team.tokens"));
      assertThat(letters.get(1).errorMessage())
          .isEqualTo(
              "knowledge key 'team.tokens' holds a g-counter; a delta of "
                  + "type or-set (replica beta-1, sequence 0) cannot be merged into it");
      assertThat(letters.get(1).value()).isEqualTo(conflictBytes);
      assertThat(letters.get(2).errorMessage())
          .contains("the record's key 'team.tokens' is not its delta's key " + "'team.other'");
      assertThat(letters.get(3).errorMessage()).contains("knowledge key may only contain");
      assertThat(letters.get(4).errorMessage()).contains("the record has no value");
      assertThat(letters.get(4).value()).isNull();
      assertThat(letters.get(5).errorMessage()).contains("not UTF-8");
      assertThat(letters.get(5).key()).containsExactly((byte) 0xc3, (byte) 0x28);

      // and: the good deltas merged, nothing of the others did
      KnowledgeState expected =
          KnowledgeHistories.expected(List.of(first, second), Instant.MAX).orElseThrow();
      assertThat(projections.latest().get("team.tokens")).isEqualTo(expected);
      assertThat(((GCounter) expected.crdt()).value()).isEqualTo(7);
      assertThat(projections.latest().get("team.other")).isNull();
      assertThat(projections.asOf("team.tokens", conflict.at())).contains(KnowledgeState.of(first));
      assertThat(projections.asOf("team.tokens", second.at())).contains(expected);
    }
  }

  private static Map<String, List<KnowledgeDelta>> histories(Random random, Duration tick) {
    Map<String, List<KnowledgeDelta>> out = new HashMap<>();
    for (KnowledgeType type : KnowledgeType.values()) {
      for (int i = 0; i < 2; i++) {
        String key = type.id() + "." + i;
        out.put(key, KnowledgeHistories.run(key, type, 40, tick, random));
      }
    }
    return out;
  }

  private static List<KnowledgeDelta> ofKey(List<KnowledgeDelta> deltas, String key) {
    return deltas.stream().filter(d -> d.key().equals(key)).toList();
  }

  /**
   * Times to ask the history at: before the first delta, each delta's time and the moment before
   * it, after all.
   */
  private static List<Instant> times(List<KnowledgeDelta> deltas, Random random) {
    TreeSet<Instant> times = new TreeSet<>();
    deltas.forEach(
        d -> {
          times.add(d.at());
          times.add(d.at().minusMillis(1));
        });
    times.add(times.first().minusSeconds(1));
    times.add(times.last().plusSeconds(1));
    // and a few in between, not on any delta's time
    Instant first = times.first();
    long span = Duration.between(first, times.last()).toMillis();
    for (int i = 0; i < 5; i++) {
      times.add(first.plusMillis((long) (random.nextDouble() * span)));
    }
    return times.stream().collect(Collectors.toList());
  }

  private static KnowledgeDelta delta(
      String key, String replica, long sequence, Instant at, io.conclave.model.crdt.Crdt crdt) {
    return new KnowledgeDelta(key, replica, sequence, Optional.empty(), at, crdt);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
