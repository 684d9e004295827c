package io.conclave.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;

class PartitioningTest {

  @Property
  void thePartitionIsAlwaysOneOfTheTopics(@ForAll String key, @ForAll @IntRange(min = 1, max = 10_000) int n) {
    // when
    int p = Partitioning.of(key, n);

    // then
    assertThat(p).isBetween(0, n - 1);
  }

  @Property
  void itIsThePartitionKafkasDefaultPartitionerGivesTheKeyAsAString(
      @ForAll String key, @ForAll @IntRange(min = 1, max = 10_000) int n) {
    // given: what a KafkaProducer with a StringSerializer and no explicit partition does with the key
    byte[] serialized;
    try (StringSerializer serializer = new StringSerializer()) {
      serialized = serializer.serialize("any-topic", key);
    }
    int expected = Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % n;

    // when
    int p = Partitioning.of(key, n);

    // then
    assertThat(p).isEqualTo(expected);
    // the producer's own code path for keyed records (an internal class, used here only as the reference)
    assertThat(p).isEqualTo(BuiltInPartitioner.partitionForKey(serialized, n));
  }

  @Example
  void aKnownKeyLandsOnAKnownPartition() {
    // then: pinned so a change of hash would be noticed (records already on disk would move)
    assertThat(Partitioning.of("saga-42", 12)).isEqualTo(3);
    assertThat(Partitioning.of("agent-7", 3)).isZero();
    assertThat(Partitioning.of("", 1)).isZero();
  }

  @Example
  void noPartitionsIsRejected() {
    // then
    assertThatThrownBy(() -> Partitioning.of("k", 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("partitions");
    assertThatThrownBy(() -> Partitioning.of("k", -1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
