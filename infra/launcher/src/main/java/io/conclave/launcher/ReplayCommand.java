package io.conclave.launcher;

import io.conclave.kafka.ClientConfigs;
import io.conclave.kafka.ConclaveSettings;
import io.conclave.schemas.ConclaveSerdes;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code conclave replay TOPIC --from-offset N | --from-time T}: re-read a topic from an offset or a point in time
 * and print its records as JSON lines (read_committed: aborted transactions are never shown).
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
    description = "Re-read a topic from an offset or a timestamp, printing each record as a JSON line.")
final class ReplayCommand implements Callable<Integer> {
  @Parameters(paramLabel = "TOPIC", description = "a full topic name, or a Conclave topic's short name: tasks, "
      + "decisions, saga-events, leadership, dead-letters, snapshots, knowledge, agent-health, commands.<type>, ...")
  String topic;

  @ArgGroup(exclusive = true)
  Start start = new Start();

  static final class Start {
    @Option(names = "--from-offset", description = "first offset, in every partition read (default: the beginning)")
    Long offset;

    @Option(names = "--from-time", description = "first record at or after this ISO-8601 instant, "
        + "e.g. 2026-11-24T10:00:00Z")
    String time;
  }

  @Option(names = "--partition", description = "read only this partition")
  Integer partition;

  @Option(names = "--max", description = "stop after this many records")
  Long max;

  @Option(names = {"-f", "--follow"}, description = "keep waiting for new records (Ctrl-C stops)")
  boolean follow;

  @Override
  public Integer call() {
    ConclaveSettings settings = Endpoints.resolve();
    Instant from = null;
    if (start.time != null) {
      try {
        from = Instant.parse(start.time);
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException("--from-time must be an ISO-8601 instant such as 2026-11-24T10:00:00Z, was "
            + start.time);
      }
    }
    String name = resolveTopic(settings, topic);
    long offset = start.offset == null ? 0 : start.offset;
    return read(settings, name, partition, offset, from, max, follow, r -> true);
  }

  static String resolveTopic(ConclaveSettings settings, String topic) {
    String prefix = settings.topics().prefix() + ".";
    return topic.startsWith(prefix) ? topic : prefix + topic;
  }

  /** Reads and prints; returns the exit code. */
  static int read(ConclaveSettings settings, String topic, Integer partition, long fromOffset, Instant fromTime,
                  Long max, boolean follow, Predicate<ConsumerRecord<byte[], byte[]>> filter) {
    if (fromOffset < 0) {
      throw new IllegalArgumentException("--from-offset must be >= 0, was " + fromOffset);
    }
    var printer = new RecordPrinter(new ConclaveSerdes(settings.registry()), System.out);
    try (var consumer = new KafkaConsumer<byte[], byte[]>(ClientConfigs.consumer(settings.bootstrapServers(), null))) {
      List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(10));
      if (infos == null || infos.isEmpty()) {
        throw new IllegalArgumentException("no topic named " + topic);
      }
      List<TopicPartition> tps = infos.stream().map(i -> new TopicPartition(topic, i.partition()))
          .filter(tp -> partition == null || tp.partition() == partition).toList();
      if (tps.isEmpty()) {
        throw new IllegalArgumentException(topic + " has no partition " + partition);
      }
      consumer.assign(tps);
      Map<TopicPartition, Long> end = consumer.endOffsets(tps);
      seek(consumer, tps, fromOffset, fromTime, end);
      long printed = 0;
      while (true) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(300))) {
          if (filter.test(r)) {
            printer.print(r);
            if (max != null && ++printed >= max) {
              return 0;
            }
          }
        }
        if (!follow && tps.stream().allMatch(tp -> consumer.position(tp) >= end.get(tp))) {
          return 0;
        }
      }
    }
  }

  private static void seek(KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> tps, long fromOffset,
                           Instant fromTime, Map<TopicPartition, Long> end) {
    if (fromTime == null) {
      Map<TopicPartition, Long> begin = consumer.beginningOffsets(tps);
      tps.forEach(tp -> consumer.seek(tp, Math.min(Math.max(fromOffset, begin.get(tp)), end.get(tp))));
      return;
    }
    Map<TopicPartition, Long> query = new HashMap<>();
    tps.forEach(tp -> query.put(tp, fromTime.toEpochMilli()));
    Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query);
    tps.forEach(tp -> {
      OffsetAndTimestamp at = found.get(tp);
      consumer.seek(tp, at == null ? end.get(tp) : at.offset());
    });
  }
}
