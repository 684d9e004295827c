package io.conclave.runtime.loop;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.conclave.model.cluster.DeadLetter;
import io.conclave.runtime.security.KafkaAccess;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The loop's ownership, transaction and poison rules, driven turn by turn ({@code join}, then
 * {@code pollOnce}) over Kafka's MockConsumer and one MockProducer per take-over; what was
 * committed is what a producer's history holds.
 */
class TransactionalPartitionLoopTest {
  private static final String IN = "in";
  private static final String OUT = "out";
  private static final String DEAD = "dead";
  private static final TopicPartition P0 = new TopicPartition(IN, 0);
  private static final TopicPartition P1 = new TopicPartition(IN, 1);

  /** max.poll.interval.ms of the test loop: a batch's budget is a third of it, 10 s. */
  private static final int POLL_INTERVAL_MS = 30_000;

  private final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");

  /** The producers each partition was given, one per take-over, in order. */
  private final Map<Integer, List<MockProducer<byte[], byte[]>>> producers = new HashMap<>();

  private final FakeTime time = new FakeTime();
  private final RecordingHandler handler = new RecordingHandler();
  private TransactionalPartitionLoop<String> loop;

  @BeforeEach
  void joinTheGroupWithTwoPartitions() {
    var options =
        new TransactionalPartitionLoop.Options(
            "test",
            KafkaAccess.plaintext("localhost:9092"),
            List.of(IN),
            "group",
            "tx",
            DEAD,
            Map.of(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, POLL_INTERVAL_MS));
    LoopClients clients =
        new LoopClients() {
          @Override
          public Consumer<byte[], byte[]> consumer(Map<String, Object> config) {
            return consumer;
          }

          @Override
          public Producer<byte[], byte[]> producer(Map<String, Object> config) {
            String txId = (String) config.get(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
            int partition = Integer.parseInt(txId.substring("tx-".length()));
            var producer =
                new MockProducer<>(
                    true, null, new ByteArraySerializer(), new ByteArraySerializer());
            producers.computeIfAbsent(partition, p -> new ArrayList<>()).add(producer);
            return producer;
          }
        };
    Deserializer<String> reader =
        (topic, bytes) -> {
          String value = new String(bytes, UTF_8);
          if (value.equals("garbage")) {
            throw new IllegalStateException("not a value");
          }
          return value;
        };
    Serializer<DeadLetter> deadLetterWriter =
        (topic, letter) -> (letter.errorClass() + ": " + letter.errorMessage()).getBytes(UTF_8);
    loop =
        new TransactionalPartitionLoop<>(
            options,
            Map.of(IN, reader),
            deadLetterWriter,
            handler,
            Clock.fixed(Instant.parse("2026-12-07T10:00:00Z"), ZoneOffset.UTC),
            clients,
            time);
    loop.join();
    consumer.updateBeginningOffsets(Map.of(P0, 0L, P1, 0L));
    consumer.rebalance(List.of(P0, P1));
    assertThat(loop.ownedPartitions()).containsExactlyInAnyOrder(0, 1);
  }

  @Test
  void aProducerFencedAtCommitGivesItsPartitionUpAndCommitsNothingOfIt() {
    // given: a newer owner has fenced partition 0's producer
    MockProducer<byte[], byte[]> fenced = producer(0);
    fenced.commitTransactionException =
        new ProducerFencedException("a newer owner took partition 0");
    add(P0, 0, "a");
    add(P0, 1, "b");
    add(P1, 0, "c");

    // when
    loop.pollOnce();

    // then: partition 0 is given up as lost, its producer closed and its records paused; partition
    // 1 goes on
    assertThat(loop.ownedPartitions()).containsExactly(1);
    assertThat(handler.lost).containsExactly(0);
    assertThat(handler.revoked).isEmpty();
    assertThat(fenced.history()).isEmpty();
    assertThat(fenced.consumerGroupOffsetsHistory()).isEmpty();
    assertThat(fenced.closed()).isTrue();
    assertThat(consumer.paused()).containsExactly(P0);
    assertThat(values(producer(1).history())).containsExactly("done:c");
    assertThat(committed(producer(1))).containsExactly(Map.entry(P1, 1L));
  }

  @Test
  void aCommitFailedByANewGenerationStepsDownThenReconcileTakesThePartitionOverAgain() {
    // given: the group's generation moves while partition 0's batch is handled
    MockProducer<byte[], byte[]> first = producer(0);
    first.sendOffsetsToTransactionException = new CommitFailedException("the group has rebalanced");
    add(P0, 0, "a");

    // when
    loop.pollOnce();

    // then: what the batch wrote is aborted and the member steps down from partition 0
    assertThat(first.transactionAborted()).isTrue();
    assertThat(first.history()).isEmpty();
    assertThat(loop.ownedPartitions()).containsExactly(1);
    assertThat(handler.lost).containsExactly(0);

    // when: the group still gives partition 0 to this member, and the record is read again from the
    // committed offset
    loop.pollOnce();
    add(P0, 0, "a");
    loop.pollOnce();

    // then: a fresh producer took it over (state rebuilt from offset 0) and committed the record
    // with its offset
    assertThat(loop.ownedPartitions()).containsExactlyInAnyOrder(0, 1);
    assertThat(handler.assigned)
        .containsExactly(Map.entry(0, 0L), Map.entry(1, 0L), Map.entry(0, 0L));
    assertThat(producers.get(0)).hasSize(2);
    MockProducer<byte[], byte[]> second = producer(0);
    assertThat(values(second.history())).containsExactly("done:a");
    assertThat(committed(second)).containsExactly(Map.entry(P0, 1L));
    assertThat(handler.seen).containsExactly("0@0:a", "0@0:a");
  }

  @Test
  void aPoisonRecordIsDeadLetteredInTheBatchAndTheLoopCarriesOnWithTheNext() {
    // given
    add(P0, 0, "a");
    add(P0, 1, "poison");
    add(P0, 2, "garbage");
    add(P0, 3, "rejected");
    add(P0, 4, "b");

    // when
    loop.pollOnce();

    // then: each poison is dead-lettered where it was, in the same transaction as the records
    // around it
    MockProducer<byte[], byte[]> producer = producer(0);
    assertThat(producer.history())
        .extracting(ProducerRecord::topic)
        .containsExactly(OUT, DEAD, DEAD, DEAD, OUT);
    assertThat(values(producer.history()))
        .containsExactly(
            "done:a",
            PoisonRecordException.class.getName() + ": poison",
            IllegalStateException.class.getName() + ": not a value",
            // the domain's rejection is reported as the domain threw it
            IllegalArgumentException.class.getName() + ": prompt must not be blank",
            "done:b");
    assertThat(header(producer.history().get(1), DeadLetters.SOURCE_OFFSET)).isEqualTo("1");
    assertThat(producer.commitCount()).isEqualTo(1);
    assertThat(committed(producer)).containsExactly(Map.entry(P0, 5L));
    assertThat(handler.seen).containsExactly("0@0:a", "0@1:poison", "0@3:rejected", "0@4:b");
    assertThat(loop.ownedPartitions()).containsExactlyInAnyOrder(0, 1);
  }

  @Test
  void anIllegalArgumentExceptionThatIsNotAPoisonStopsTheLoopInsteadOfDeadLetteringTheRecord() {
    // given: a library's IllegalArgumentException, not the domain's rejection of the record
    add(P0, 0, "library");

    // when / then: a bug, not a bad record: nothing is dead-lettered or committed
    assertThatThrownBy(loop::pollOnce)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("from a library");
    assertThat(producer(0).history()).isEmpty();
    assertThat(producer(0).consumerGroupOffsetsHistory()).isEmpty();
  }

  @Test
  void aBatchStopsOnceItsBudgetIsSpentCommitsWhatItHandledAndReadsTheRestAgain() {
    // given: each record takes 4 s of the batch's 10 s
    handler.onHandle = () -> time.advance(Duration.ofSeconds(4));
    for (int offset = 0; offset < 5; offset++) {
      add(P0, offset, "r" + offset);
    }

    // when
    loop.pollOnce();

    // then: three records fit (the third starts at 8 s), the fourth starts past the budget and
    // waits for a poll
    assertThat(handler.seen).containsExactly("0@0:r0", "0@1:r1", "0@2:r2");
    assertThat(values(producer(0).history())).containsExactly("done:r0", "done:r1", "done:r2");
    assertThat(committed(producer(0))).containsExactly(Map.entry(P0, 3L));
    assertThat(consumer.position(P0)).isEqualTo(3);
  }

  @Test
  void aPartitionLostWhileItsBatchIsHandledCommitsNothingOfItAndStaysReleased() {
    // given: while partition 0's batch is handled, the member's session expires and another member
    // takes partition 0: the batch's commit fails for the moved generation
    handler.onHandle =
        () ->
            producer(0).sendOffsetsToTransactionException =
                new CommitFailedException("the group has moved on");
    add(P0, 0, "a");
    add(P0, 1, "b");
    add(P1, 0, "c");

    // when: the batch is handled, then the next poll tells the member it no longer has partition 0
    loop.pollOnce();
    consumer.rebalance(List.of(P1));
    loop.pollOnce();

    // then: nothing of partition 0 is committed; it was released once, as lost, and not taken back
    MockProducer<byte[], byte[]> lostProducer = producers.get(0).get(0);
    assertThat(handler.seen).containsExactly("0@0:a", "0@1:b", "1@0:c");
    assertThat(lostProducer.history()).isEmpty();
    assertThat(lostProducer.transactionAborted()).isTrue();
    assertThat(producers.get(0)).hasSize(1);
    assertThat(handler.lost).containsExactly(0);
    assertThat(handler.revoked).isEmpty();
    assertThat(loop.ownedPartitions()).containsExactly(1);
    // the other partition of the same poll committed its own
    assertThat(values(producer(1).history())).containsExactly("done:c");
    assertThat(committed(producer(1))).containsExactly(Map.entry(P1, 1L));
  }

  private void add(TopicPartition tp, long offset, String value) {
    consumer.addRecord(
        new ConsumerRecord<>(
            tp.topic(),
            tp.partition(),
            offset,
            ("k" + offset).getBytes(UTF_8),
            value.getBytes(UTF_8)));
  }

  /** The latest producer partition {@code partition} was given. */
  private MockProducer<byte[], byte[]> producer(int partition) {
    List<MockProducer<byte[], byte[]>> given = producers.get(partition);
    return given.get(given.size() - 1);
  }

  private static List<String> values(List<ProducerRecord<byte[], byte[]>> records) {
    return records.stream().map(r -> new String(r.value(), UTF_8)).toList();
  }

  /**
   * The offsets {@code producer}'s committed transactions committed, the latest per
   * topic-partition.
   */
  private static Map<TopicPartition, Long> committed(MockProducer<byte[], byte[]> producer) {
    Map<TopicPartition, Long> out = new HashMap<>();
    for (Map<String, Map<TopicPartition, OffsetAndMetadata>> byGroup :
        producer.consumerGroupOffsetsHistory()) {
      byGroup.values().forEach(offsets -> offsets.forEach((tp, o) -> out.put(tp, o.offset())));
    }
    return out;
  }

  private static String header(ProducerRecord<byte[], byte[]> record, String key) {
    Header header = record.headers().lastHeader(key);
    return header == null ? null : new String(header.value(), UTF_8);
  }

  /** A monotonic clock that moves only when told; a wait moves nothing and returns at once. */
  private static final class FakeTime implements LoopTime {
    private long nanos;

    void advance(Duration d) {
      nanos += d.toNanos();
    }

    @Override
    public long nanoTime() {
      return nanos;
    }

    @Override
    public void sleep(Duration d) {}
  }

  /** Writes {@code done:<value>} for each record, and records what it was given. */
  private static final class RecordingHandler implements PartitionHandler<String> {
    final List<String> seen = new ArrayList<>();
    final List<Map.Entry<Integer, Long>> assigned = new ArrayList<>();
    final List<Integer> revoked = new ArrayList<>();
    final List<Integer> lost = new ArrayList<>();
    Runnable onHandle = () -> {};

    @Override
    public List<ProducerRecord<byte[], byte[]>> onAssigned(
        int partition, Map<String, Long> committed) {
      assigned.add(Map.entry(partition, committed.get(IN)));
      return List.of();
    }

    @Override
    public List<ProducerRecord<byte[], byte[]>> handle(
        ConsumerRecord<byte[], byte[]> record, String value) {
      seen.add(record.partition() + "@" + record.offset() + ":" + value);
      onHandle.run();
      switch (value) {
        case "poison" -> throw new PoisonRecordException("poison");
        case "rejected" ->
            throw PoisonRecordException.rejected(
                new IllegalArgumentException("prompt must not be blank"));
        case "library" -> throw new IllegalArgumentException("from a library");
        default -> {
          return List.of(
              new ProducerRecord<>(OUT, record.key(), ("done:" + value).getBytes(UTF_8)));
        }
      }
    }

    @Override
    public void onRevoked(int partition) {
      revoked.add(partition);
    }

    @Override
    public void onLost(int partition) {
      lost.add(partition);
    }
  }
}
