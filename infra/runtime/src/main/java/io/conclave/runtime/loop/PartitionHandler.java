package io.conclave.runtime.loop;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * What a {@link TransactionalPartitionLoop} does with the records of the partitions its member
 * owns. Called on the loop's thread only.
 *
 * <p><b>Failures.</b> What {@link #handle} throws decides the record's fate:
 *
 * <ul>
 *   <li>{@link PoisonRecordException}: the record can never be handled (its content breaks a domain
 *       rule, lacks a required field, names something that cannot exist). It goes to the
 *       dead-letter topic in the batch's transaction and the loop carries on with the next record.
 *       This is the only exception that dead-letters: a handler turns the domain's rejection of the
 *       record's content (an {@link IllegalArgumentException} or an {@link
 *       io.conclave.model.MissingFieldException}) into it where it reads that content ({@link
 *       PoisonRecordException#ifRejected}).
 *   <li>a {@link org.apache.kafka.common.KafkaException} or an {@link IllegalStateException}:
 *       something outside the record failed (a broker, the registry). The transaction aborts and
 *       the member takes the partition over again, so the record is handled again.
 *   <li>anything else, an {@link IllegalArgumentException} or a {@link NullPointerException} that
 *       no handler turned into a {@link PoisonRecordException} included: a bug. The loop stops
 *       ({@link TransactionalPartitionLoop#done()} completes exceptionally) rather than drop work
 *       or spin on it; the process exits and its supervisor restarts it.
 * </ul>
 *
 * A record whose value cannot be read at all (its deserializer throws) is poison without reaching
 * the handler.
 *
 * @param <V> the value type of the consumed topics
 */
public interface PartitionHandler<V> {
  /**
   * This member now owns {@code partition} (of every topic of the loop); records below {@code
   * committed.get(topic)} were handled by an earlier owner. Rebuild whatever state the partition
   * needs from Kafka and return records to write first (in their own transaction), e.g. an
   * announcement of leadership.
   */
  List<ProducerRecord<byte[], byte[]>> onAssigned(int partition, Map<String, Long> committed);

  /**
   * Handle one record whose value was read; the returned records are written in the same
   * transaction.
   *
   * @throws PoisonRecordException if the record can never be handled (it is dead-lettered)
   */
  List<ProducerRecord<byte[], byte[]>> handle(ConsumerRecord<byte[], byte[]> record, V value);

  /**
   * Called for each owned partition between polls (at least every {@value
   * TransactionalPartitionLoop#TICK_MS} ms): records due by the clock rather than by a record (a
   * deadline passed), written at once in a transaction of the partition's producer.
   */
  default List<ProducerRecord<byte[], byte[]>> tick(int partition) {
    return List.of();
  }

  /**
   * The records returned for a batch of {@code partition} have committed; {@code written} says
   * where each landed, in the order they were returned. Returns records derived from that (such as
   * snapshots, which must know the offsets their state covers); they are written at once, in a
   * transaction of their own.
   */
  default List<ProducerRecord<byte[], byte[]>> onCommitted(
      int partition, List<RecordMetadata> written) {
    return List.of();
  }

  /**
   * Called once on the loop's thread before it joins the group: read whatever a take-over reads, so
   * that the first take-over does not pay for cold code, connections and registry look-ups.
   */
  default void warmUp() {}

  /**
   * The topics whose records must wait for now, asked between polls: their owned partitions are
   * paused (nothing is read or committed from them) until the handler no longer names them. E.g. an
   * agent type's commands while the model its steps ask has its circuit breaker open, so that they
   * wait in Kafka instead of failing.
   */
  default Set<String> held() {
    return Set.of();
  }

  /** This member gave {@code partition} up in an orderly rebalance: forget its state. */
  void onRevoked(int partition);

  /**
   * This member lost {@code partition} without handing it over (its session expired, or a newer
   * owner fenced it): forget its state; another member may already own it.
   */
  default void onLost(int partition) {
    onRevoked(partition);
  }
}
