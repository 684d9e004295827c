package io.conclave.projections.agents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.conclave.model.eventlog.DecisionKey;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Laws of the decisions store's key layout ({@link DecisionKeyOrder}): keys round-trip, sort by
 * sequence within an agent, and an agent's prefix matches its own keys only (the HTTP API
 * prefix-scans it).
 *
 * <p>Written as seeded JUnit parameterized tests rather than QuickTheories properties. Each case is
 * generated from its seed, shown in the test name.
 */
class DecisionKeyOrderTest {
  private static final int TRIES = 500;
  private static final String TOPIC = "conclave.decisions";
  private static final long[] EDGE_SEQUENCES = {
    0,
    1,
    127,
    128,
    255,
    256,
    65_535,
    65_536,
    Integer.MAX_VALUE,
    1L << 32,
    (1L << 56) - 1,
    1L << 56,
    Long.MAX_VALUE - 1,
    Long.MAX_VALUE
  };

  private final Serializer<DecisionKey> serializer = new DecisionKeyOrder().serializer();
  private final Deserializer<DecisionKey> deserializer = new DecisionKeyOrder().deserializer();

  static Stream<Long> seeds() {
    return LongStream.range(0, TRIES).boxed();
  }

  /**
   * Agent ids as Conclave makes them ({@code type-partition}) from a small part of the id alphabet,
   * so that one id is often a prefix of another ("a-1" / "a-10"); one case in three from the whole
   * id alphabet.
   */
  static String agentId(Random random) {
    String alphabet =
        random.nextInt(3) == 0
            ? "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_."
            : "ab-_.1";
    int length = 1 + random.nextInt(6);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < length; i++) {
      sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return sb.toString();
  }

  static long sequence(Random random) {
    return random.nextInt(3) == 0
        ? EDGE_SEQUENCES[random.nextInt(EDGE_SEQUENCES.length)]
        : random.nextLong() & Long.MAX_VALUE;
  }

  private byte[] bytes(String agentId, long sequence) {
    return serializer.serialize(TOPIC, new DecisionKey(agentId, sequence));
  }

  private static boolean startsWith(byte[] bytes, byte[] prefix) {
    return bytes.length >= prefix.length
        && Arrays.equals(bytes, 0, prefix.length, prefix, 0, prefix.length);
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void aKeyRoundTrips(long seed) {
    // given
    Random random = new Random(seed);
    var key = new DecisionKey(agentId(random), sequence(random));

    // when
    DecisionKey back = deserializer.deserialize(TOPIC, serializer.serialize(TOPIC, key));

    // then
    assertThat(back).isEqualTo(key);
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void withinAnAgentByteOrderIsSequenceOrder(long seed) {
    // given
    Random random = new Random(seed);
    String agent = agentId(random);
    long s1 = sequence(random);
    long s2 =
        random.nextBoolean()
            ? sequence(random)
            : s1 - Math.min(s1, random.nextInt(3)); // often adjacent

    // when
    int byteOrder = Arrays.compareUnsigned(bytes(agent, s1), bytes(agent, s2));

    // then
    assertThat(Integer.signum(byteOrder))
        .as("%s: %d vs %d", agent, s1, s2)
        .isEqualTo(Long.compare(s1, s2));
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void anAgentsPrefixMatchesAllOfItsKeysAndNoOtherAgents(long seed) {
    // given
    Random random = new Random(seed);
    String a = agentId(random);
    String b =
        random.nextInt(4) == 0 ? a + agentId(random) : agentId(random); // often a is a prefix of b
    long sequence = sequence(random);
    byte[] prefixOfA = DecisionKeyOrder.prefix(a);

    // when / then
    assertThat(startsWith(bytes(a, sequence), prefixOfA))
        .as("a key of %s starts with its prefix", a)
        .isTrue();
    if (!b.equals(a)) {
      assertThat(startsWith(bytes(b, sequence), prefixOfA))
          .as("key (%s, %d) starts with the prefix of %s", b, sequence, a)
          .isFalse();
      assertThat(startsWith(bytes(a, sequence), DecisionKeyOrder.prefix(b)))
          .as("key (%s, %d) starts with the prefix of %s", a, sequence, b)
          .isFalse();
    }
  }

  @Test
  void agentIdsThatArePrefixesOfEachOtherAreKeptApart() {
    // given
    byte[] prefix = DecisionKeyOrder.prefix("research-1");

    // when / then
    assertThat(startsWith(bytes("research-1", 42), prefix)).isTrue();
    assertThat(startsWith(bytes("research-10", 42), prefix)).isFalse();
    assertThat(startsWith(bytes("research-", 42), prefix)).isFalse();
    assertThat(Arrays.compareUnsigned(bytes("research-1", Long.MAX_VALUE), bytes("research-10", 0)))
        .as("all of research-1 sorts before research-10")
        .isNegative();
  }

  @Test
  void theLayoutIsUtf8IdZeroByteAndBigEndianSequence() {
    // when
    byte[] key = bytes("ab", 258);

    // then
    assertThat(key).containsExactly(0x61, 0x62, 0, 0, 0, 0, 0, 0, 0, 1, 2);
    assertThat(DecisionKeyOrder.prefix("ab")).containsExactly(0x61, 0x62, 0);
  }

  @Test
  void nullStaysNull() {
    // when / then
    assertThat(serializer.serialize(TOPIC, null)).isNull();
    assertThat(deserializer.deserialize(TOPIC, null)).isNull();
  }

  // ---- Agent ids the layout could not keep apart (a U+0000 inside an id, an unpaired surrogate)
  // ---- are rejected where they are made, so they never reach a store key.

  @ParameterizedTest
  @MethodSource("idsTheLayoutCannotSeparate")
  void agentIdsTheLayoutCannotSeparateAreRejected(String agentId) {
    assertThatThrownBy(() -> new DecisionKey(agentId, 7))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("agentId may only contain");
  }

  static List<String> idsTheLayoutCannotSeparate() {
    return List.of("research-1\u0000x", "a\u0000x", "a\uD800", "caf\u00e9");
  }
}
