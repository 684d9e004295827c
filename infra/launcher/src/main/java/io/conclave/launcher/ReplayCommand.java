package io.conclave.launcher;

import io.conclave.kafka.ConclaveSettings;
import io.conclave.kafka.LogPosition;
import io.conclave.kafka.RecordJson;
import io.conclave.kafka.ShortTopicNames;
import io.conclave.kafka.TopicReplay;
import io.conclave.schemas.ConclaveSerdes;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
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
    String name = ShortTopicNames.resolve(settings.topics(), topic);
    long offset = start.offset == null ? 0 : start.offset;
    return read(settings, name, partition, offset, from, max, follow, r -> true);
  }

  /** Reads with {@link TopicReplay} and prints each record as a JSON line; returns the exit code. */
  static int read(ConclaveSettings settings, String topic, Integer partition, long fromOffset, Instant fromTime,
                  Long max, boolean follow, Predicate<ConsumerRecord<byte[], byte[]>> filter) {
    if (fromOffset < 0) {
      throw new IllegalArgumentException("--from-offset must be >= 0, was " + fromOffset);
    }
    if (max != null && max < 1) {
      throw new IllegalArgumentException("--max must be >= 1, was " + max);
    }
    LogPosition from = fromTime == null ? new LogPosition.Offset(fromOffset) : new LogPosition.Time(fromTime);
    var request = new TopicReplay.Request(topic, partition == null ? OptionalInt.empty() : OptionalInt.of(partition),
        from, max == null ? Long.MAX_VALUE : max, follow);
    var json = new RecordJson(new ConclaveSerdes(settings.registry()));
    TopicReplay.read(settings.kafka(), request, filter, r -> System.out.println(json.toJson(r).toString()));
    return 0;
  }
}
