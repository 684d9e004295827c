package io.conclave.launcher.log;

import com.fasterxml.jackson.core.JsonGenerator;
import io.conclave.launcher.cli.CliJson;
import io.conclave.launcher.cli.Endpoints;
import io.conclave.launcher.cli.Progress;
import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.runtime.readers.LogPosition;
import io.conclave.runtime.readers.TopicReplay;
import io.conclave.runtime.records.RecordJson;
import io.conclave.runtime.topics.ShortTopicNames;
import io.conclave.schemas.ConclaveSerdes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code conclave replay TOPIC --from-offset N | --from-time T}: re-read a topic from an offset or
 * a point in time and print its records as JSON lines, or as one JSON document with {@code --json}
 * (read_committed: aborted transactions are never shown); how far it is goes to standard error.
 */
@Command(
    name = "replay",
    mixinStandardHelpOptions = true,
    description = {
      "Re-read a topic from an offset or a timestamp, printing each record as a JSON line.",
      "How far it is goes to standard error (--quiet: nothing), a line every 2 s at most."
    })
public final class ReplayCommand implements Callable<Integer> {
  @Parameters(
      paramLabel = "TOPIC",
      description =
          "a full topic name, or a Conclave topic's short name: tasks, "
              + "decisions, saga-events, leadership, dead-letters, snapshots, knowledge, agent-health, commands.<type>, ...")
  String topic;

  @ArgGroup(exclusive = true)
  Start start = new Start();

  static final class Start {
    @Option(
        names = "--from-offset",
        description = "first offset, in every partition read (default: the beginning)")
    Long offset;

    @Option(
        names = "--from-time",
        description =
            "first record at or after this ISO-8601 instant, " + "e.g. 2026-11-24T10:00:00Z")
    String time;
  }

  @Option(names = "--partition", description = "read only this partition")
  Integer partition;

  @Option(names = "--max", description = "stop after this many records")
  Long max;

  @Option(
      names = {"-f", "--follow"},
      description = "keep waiting for new records (Ctrl-C stops)")
  boolean follow;

  @Option(
      names = "--json",
      description =
          "print one JSON document instead of JSON lines: {topic, from, records: "
              + "[...], count, partitions} (not with --follow)")
  boolean json;

  @Mixin Progress.Quiet quiet;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    refuseJsonFollow(spec, json, follow);
    ConclaveSettings settings = Endpoints.resolve();
    Instant from = null;
    if (start.time != null) {
      try {
        from = Instant.parse(start.time);
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException(
            "--from-time must be an ISO-8601 instant such as 2026-11-24T10:00:00Z, was "
                + start.time);
      }
    }
    String name = ShortTopicNames.resolve(settings.topics(), topic);
    long offset = start.offset == null ? 0 : start.offset;
    return read(
        settings,
        name,
        partition,
        offset,
        from,
        max,
        follow,
        r -> true,
        json,
        quiet.progress("replay"));
  }

  /** A document has an end: {@code --json} and {@code --follow} together are bad usage (exit 2). */
  static void refuseJsonFollow(CommandSpec spec, boolean json, boolean follow) {
    if (json && follow) {
      throw new ParameterException(
          spec.commandLine(),
          "--json prints one document, which --follow would never end: " + "give one of them");
    }
  }

  /**
   * Reads with {@link TopicReplay} and prints each record as a JSON line, or all in one JSON
   * document; tells {@code progress} how far it is. Returns the exit code.
   */
  static int read(
      ConclaveSettings settings,
      String topic,
      Integer partition,
      long fromOffset,
      Instant fromTime,
      Long max,
      boolean follow,
      Predicate<ConsumerRecord<byte[], byte[]>> filter,
      boolean json,
      Progress progress)
      throws IOException {
    if (fromOffset < 0) {
      throw new IllegalArgumentException("--from-offset must be >= 0, was " + fromOffset);
    }
    if (max != null && max < 1) {
      throw new IllegalArgumentException("--max must be >= 1, was " + max);
    }
    LogPosition from =
        fromTime == null ? new LogPosition.Offset(fromOffset) : new LogPosition.Time(fromTime);
    var request =
        new TopicReplay.Request(
            topic,
            partition == null ? OptionalInt.empty() : OptionalInt.of(partition),
            from,
            max == null ? Long.MAX_VALUE : max,
            follow);
    var records = new RecordJson(new ConclaveSerdes(settings.registry()));
    Consumer<TopicReplay.Status> counts = s -> progress.count(status(s));
    TopicReplay.Status done;
    if (json) {
      try (JsonGenerator out = CliJson.document(System.out)) {
        out.writeStartObject();
        out.writeStringField("topic", topic);
        out.writeStringField("from", from.toString());
        out.writeArrayFieldStart("records");
        done =
            TopicReplay.read(
                settings.kafka(),
                request,
                filter,
                r -> {
                  try {
                    out.writeTree(records.toJson(r));
                  } catch (IOException e) {
                    throw new UncheckedIOException(e);
                  }
                },
                counts);
        out.writeEndArray();
        out.writeNumberField("count", done.delivered());
        out.writeNumberField("partitions", done.partitions());
        out.writeEndObject();
      }
      System.out.println();
    } else {
      done =
          TopicReplay.read(
              settings.kafka(),
              request,
              filter,
              r -> System.out.println(records.toJson(r).toString()),
              counts);
    }
    progress.step(
        "done: "
            + Progress.number(done.offsetsRead())
            + " records of "
            + done.partitions()
            + (done.partitions() == 1 ? " partition" : " partitions")
            + " of "
            + topic
            + " read, "
            + Progress.number(done.delivered())
            + " printed");
    return 0;
  }

  /** {@code 12 400 / 50 000 records (24 %), 2 of 6 partitions read, 1 200 printed}. */
  public static String status(TopicReplay.Status s) {
    return Progress.fraction(s.offsetsRead(), s.offsetsToRead(), "records")
        + ", "
        + s.partitionsDone()
        + " of "
        + s.partitions()
        + (s.partitions() == 1 ? " partition" : " partitions")
        + " read, "
        + Progress.number(s.delivered())
        + " printed";
  }
}
