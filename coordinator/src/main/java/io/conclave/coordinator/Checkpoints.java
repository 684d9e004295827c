package io.conclave.coordinator;

import io.conclave.model.saga.ShardCheckpoint;
import io.conclave.runtime.readers.TopicScan;
import io.conclave.schemas.SchemaRegistryUnavailableException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shard leaders' checkpoints on {@code conclave.checkpoints}: partition p holds shard p's,
 * written only by its leader, in the leader's fenced transactions. A checkpoint is written in parts
 * keyed {@code shard-<p>/<part>}, so that compaction keeps the latest of each part; the latest
 * whole checkpoint is the last records of the partition, which is where a take-over reads it: from
 * the end backwards, never the partition's history.
 */
final class Checkpoints {
  private static final Logger log = LoggerFactory.getLogger(Checkpoints.class);

  /** A part stays well within a Kafka record's default limit (1 MiB). */
  static final int PART_BYTES = 256 * 1024;

  /**
   * Records read back from the end at first: a checkpoint of a few parts and its transaction
   * markers.
   */
  private static final int FIRST_WINDOW = 16;

  private final String topic;
  private final Serializer<ShardCheckpoint> writer;
  private final Deserializer<ShardCheckpoint> reader;

  Checkpoints(String topic, Serde<ShardCheckpoint> serde) {
    this.topic = topic;
    this.writer = serde.serializer();
    this.reader = serde.deserializer();
  }

  /**
   * Whether the shard has a partition of the checkpoints topic: a cluster whose topics were made by
   * an older Conclave has none until {@code topics create} runs, and a write to it would fail every
   * transaction of the shard.
   */
  boolean available(TopicScan scan, int shard) {
    return scan.partitionCount(topic) > shard;
  }

  /** The records of a whole checkpoint, in parts, on its shard's partition. */
  List<ProducerRecord<byte[], byte[]>> records(ShardCheckpoint whole) {
    List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
    for (ShardCheckpoint part : whole.split(PART_BYTES)) {
      byte[] key = ("shard-" + part.shard() + "/" + part.part()).getBytes(StandardCharsets.UTF_8);
      out.add(new ProducerRecord<>(topic, part.shard(), key, writer.serialize(topic, part)));
    }
    return out;
  }

  /**
   * The shard's latest whole checkpoint, read from the end of its partition: a window of the last
   * records, widened until it holds every part of the latest checkpoint.
   *
   * @return empty if the shard has none (a shard never led, or checkpoints not yet written)
   */
  Optional<ShardCheckpoint> latest(TopicScan scan, int shard) {
    if (!available(scan, shard)) {
      return Optional.empty();
    }
    TopicPartition tp = new TopicPartition(topic, shard);
    long end = scan.endOffset(tp);
    long begin = scan.beginningOffset(tp);
    long window = FIRST_WINDOW;
    while (true) {
      long from = Math.max(begin, end - window);
      List<ShardCheckpoint> read = new ArrayList<>();
      scan.scan(
          tp,
          from,
          end,
          r -> {
            if (r.value() == null) {
              return;
            }
            try {
              read.add(reader.deserialize(topic, r.value()));
            } catch (RuntimeException e) {
              // a take-over that skipped a part for want of the registry would start from an older
              // state, or none
              SchemaRegistryUnavailableException.rethrowIfIn(e);
              log.warn(
                  "unreadable checkpoint part at {}-{} offset {}: {}",
                  topic,
                  shard,
                  r.offset(),
                  e.toString());
            }
          });
      if (!read.isEmpty()) {
        long id = read.get(read.size() - 1).id();
        List<ShardCheckpoint> parts =
            read.stream().filter(p -> p.id() == id && p.shard() == shard).toList();
        if (parts.stream().mapToInt(ShardCheckpoint::part).distinct().count()
            == parts.get(0).parts()) {
          return Optional.of(ShardCheckpoint.join(parts));
        }
      }
      if (from == begin) {
        if (!read.isEmpty()) {
          log.warn(
              "the latest checkpoint of shard {} is incomplete; the shard is rebuilt from its saga events",
              shard);
        }
        return Optional.empty();
      }
      window *= 4;
    }
  }
}
