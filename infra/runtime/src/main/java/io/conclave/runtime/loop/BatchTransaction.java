package io.conclave.runtime.loop;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transactions of an owned partition's producer: a poll's records of the partition with their
 * offsets ({@link #handleBatch}), what the handler writes by the clock ({@link #tick}), and what it
 * derives from a commit. Failures go up to the loop, which decides whether the member steps down or
 * takes the partition over again.
 */
final class BatchTransaction<V> {
  private static final Logger log = LoggerFactory.getLogger(TransactionalPartitionLoop.class);

  private final String name;
  private final List<String> topics;
  private final Set<String> followedTopics;
  private final Consumer<byte[], byte[]> consumer;
  private final PartitionHandler<V> handler;
  private final DeadLetterRouting<V> routing;
  private final PendingOffsets pending;
  private final LoopTime time;

  /** How long one poll's records may take before the rest waits for the next poll. */
  private final long budgetNanos;

  BatchTransaction(
      String name,
      List<String> topics,
      Set<String> followedTopics,
      Consumer<byte[], byte[]> consumer,
      PartitionHandler<V> handler,
      DeadLetterRouting<V> routing,
      PendingOffsets pending,
      LoopTime time,
      long budgetNanos) {
    this.name = name;
    this.topics = List.copyOf(topics);
    this.followedTopics = Set.copyOf(followedTopics);
    this.consumer = consumer;
    this.handler = handler;
    this.routing = routing;
    this.pending = pending;
    this.time = time;
    this.budgetNanos = budgetNanos;
  }

  /**
   * The records of one partition (of each topic) in a poll: handled in one transaction with their
   * offsets, unless they are all of followed topics and wrote nothing (their offsets then wait for
   * the next transaction). Once the batch has spent its budget, the records not handled yet are
   * read again by the next poll.
   */
  void handleBatch(
      List<TopicPartition> tps,
      ConsumerRecords<byte[], byte[]> records,
      Producer<byte[], byte[]> producer) {
    // records are sent as they are handled (the transaction begins with the first), so that the
    // broker has them by the time the batch is done
    List<Future<RecordMetadata>> sent = new ArrayList<>();
    boolean begun = false;
    long start = time.nanoTime();
    int handled = 0;
    for (TopicPartition tp : tps) {
      List<ConsumerRecord<byte[], byte[]>> list = records.records(tp);
      long next = -1; // the first record not handled, when the batch stops early
      for (ConsumerRecord<byte[], byte[]> record : list) {
        if (handled > 0 && time.nanoTime() - start >= budgetNanos) {
          next = record.offset();
          break;
        }
        for (ProducerRecord<byte[], byte[]> out : routing.handle(record)) {
          if (!begun) {
            producer.beginTransaction();
            begun = true;
          }
          sent.add(producer.send(out));
        }
        handled++;
        pending.handled(tp, record.offset());
      }
      if (next >= 0) {
        // the batch has taken its share of max.poll.interval.ms: commit what is done, read the rest
        // again
        int at = tps.indexOf(tp);
        consumer.seek(tp, next);
        tps.subList(at + 1, tps.size())
            .forEach(rest -> consumer.seek(rest, records.records(rest).get(0).offset()));
        log.info(
            "{}: partition {} handled {} records in {} ms, its share of the poll interval; the rest is read "
                + "again",
            name,
            tp.partition(),
            handled,
            (time.nanoTime() - start) / 1_000_000);
        break;
      }
    }
    if (!begun && tps.stream().allMatch(tp -> followedTopics.contains(tp.topic()))) {
      return;
    }
    if (!begun) {
      producer.beginTransaction();
    }
    int partition = tps.get(0).partition();
    producer.sendOffsetsToTransaction(pending.of(partition), consumer.groupMetadata());
    producer.commitTransaction();
    pending.forget(partition);
    writeDerived(partition, sent, producer);
  }

  /**
   * What the handler writes for {@code partition} by the clock, with the offsets still pending
   * there.
   */
  void tick(int partition, Producer<byte[], byte[]> producer) {
    List<ProducerRecord<byte[], byte[]>> due = handler.tick(partition);
    if (due.isEmpty()) {
      return;
    }
    producer.beginTransaction();
    List<Future<RecordMetadata>> sent = new ArrayList<>();
    due.forEach(r -> sent.add(producer.send(r)));
    Map<TopicPartition, OffsetAndMetadata> offsets = pending.of(partition);
    if (!offsets.isEmpty()) {
      producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
    }
    producer.commitTransaction();
    pending.forget(partition);
    writeDerived(partition, sent, producer);
  }

  private void writeDerived(
      int partition, List<Future<RecordMetadata>> sent, Producer<byte[], byte[]> producer) {
    List<ProducerRecord<byte[], byte[]>> derived = handler.onCommitted(partition, landed(sent));
    if (!derived.isEmpty()) {
      producer.beginTransaction();
      derived.forEach(producer::send);
      producer.commitTransaction();
    }
  }

  /**
   * Where the sends of a committed transaction landed; a commit returns only once every send is
   * done.
   */
  private static List<RecordMetadata> landed(List<Future<RecordMetadata>> sent) {
    List<RecordMetadata> out = new ArrayList<>(sent.size());
    for (Future<RecordMetadata> f : sent) {
      try {
        out.add(f.get());
      } catch (ExecutionException e) {
        throw new IllegalStateException(
            "a send of a committed transaction failed: " + e.getCause(), e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }
    return out;
  }
}
