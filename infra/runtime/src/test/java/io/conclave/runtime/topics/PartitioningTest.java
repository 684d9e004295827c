package io.conclave.runtime.topics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.strings;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

class PartitioningTest {
  private static final int TRIES = 1_000;
  private static final Gen<String> KEYS = strings().allPossible().ofLengthBetween(0, 255);
  private static final Gen<Integer> PARTITIONS = integers().between(1, 10_000);

  @Test
  void thePartitionIsAlwaysOneOfTheTopics() {
    qt().withExamples(TRIES)
        .forAll(KEYS, PARTITIONS)
        .checkAssert(
            (key, n) -> {
              // when
              int p = Partitioning.of(key, n);

              // then
              assertThat(p).isBetween(0, n - 1);
            });
  }

  @Test
  void itIsThePartitionKafkasDefaultPartitionerGivesTheKeyAsAString() {
    qt().withExamples(TRIES)
        .forAll(KEYS, PARTITIONS)
        .checkAssert(
            (key, n) -> {
              // given: what a KafkaProducer with a StringSerializer and no explicit partition does
              // with the key
              byte[] serialized;
              try (StringSerializer serializer = new StringSerializer()) {
                serialized = serializer.serialize("any-topic", key);
              }
              int expected =
                  Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % n;

              // when
              int p = Partitioning.of(key, n);

              // then
              assertThat(p).isEqualTo(expected);
              // the producer's own code path for keyed records (an internal class, used here only
              // as the reference)
              assertThat(p).isEqualTo(BuiltInPartitioner.partitionForKey(serialized, n));
            });
  }

  @Test
  void aKnownKeyLandsOnAKnownPartition() {
    // then: pinned so a change of hash would be noticed (records already on disk would move)
    assertThat(Partitioning.of("saga-42", 12)).isEqualTo(3);
    assertThat(Partitioning.of("agent-7", 3)).isZero();
    assertThat(Partitioning.of("", 1)).isZero();
  }

  @Test
  void noPartitionsIsRejected() {
    // then
    assertThatThrownBy(() -> Partitioning.of("k", 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("partitions");
    assertThatThrownBy(() -> Partitioning.of("k", -1)).isInstanceOf(IllegalArgumentException.class);
  }
}
