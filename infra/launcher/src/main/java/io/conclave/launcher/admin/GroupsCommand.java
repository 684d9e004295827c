package io.conclave.launcher.admin;

import io.conclave.launcher.cli.CliJson;
import io.conclave.launcher.cli.Endpoints;
import io.conclave.runtime.admin.GroupReset;
import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.runtime.readers.LogPosition;
import io.conclave.runtime.security.ClientConfigs;
import io.conclave.runtime.topics.ShortTopicNames;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code conclave groups reset}: move a stopped consumer group of Conclave back to an offset or a
 * time.
 */
@Command(
    name = "groups",
    description = "Manage Conclave's consumer groups.",
    mixinStandardHelpOptions = true,
    subcommands = GroupsCommand.Reset.class)
public final class GroupsCommand {
  /**
   * The position an offset option or else an ISO-8601 time option names (picocli makes sure one is
   * set).
   */
  static LogPosition position(Long offset, String time, String timeOption) {
    if (offset != null) {
      return new LogPosition.Offset(offset);
    }
    try {
      return new LogPosition.Time(Instant.parse(time));
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          timeOption + " must be an ISO-8601 instant such as 2026-11-24T10:00:00Z");
    }
  }

  /** The offsets by {@code topic-partition}, sorted, as the HTTP API answers them. */
  static Map<String, Long> byPartition(Map<TopicPartition, Long> offsets) {
    Map<String, Long> byPartition = new TreeMap<>();
    offsets.forEach((tp, offset) -> byPartition.put(tp.toString(), offset));
    return byPartition;
  }

  /** Prints {@code topic-partition -> offset} lines, as {@link #byPartition} sorts them. */
  static void printOffsets(Map<String, Long> byPartition) {
    byPartition.forEach((tp, offset) -> System.out.println(tp + " -> " + offset));
  }

  @Command(
      name = "reset",
      mixinStandardHelpOptions = true,
      description =
          "Reset a group's offsets on a topic to an offset or a timestamp; refused while the group is active.")
  static final class Reset implements Callable<Integer> {
    @Option(
        names = "--group",
        required = true,
        description = "the group, e.g. conclave-coordinator or conclave-worker-research")
    String group;

    @Option(
        names = "--topic",
        required = true,
        description = "full name or short name (tasks, commands.research, ...)")
    String topic;

    @ArgGroup(exclusive = true, multiplicity = "1")
    To to;

    static final class To {
      @Option(names = "--to-offset", description = "this offset in every partition")
      Long offset;

      @Option(
          names = "--to-time",
          description = "the first record at or after this ISO-8601 instant")
      String time;
    }

    @Option(names = "--json", description = "print {group, topic, to, offsets} as one line of JSON")
    boolean json;

    /** What {@code --json} prints: the group's offset of each partition of the topic now. */
    record ResetDone(String group, String topic, String to, Map<String, Long> offsets) {}

    @Override
    public Integer call() throws Exception {
      ConclaveSettings settings = Endpoints.resolve();
      LogPosition target = position(to.offset, to.time, "--to-time");
      String name = ShortTopicNames.resolve(settings.topics(), topic);
      Map<String, Long> offsets;
      try (Admin admin = Admin.create(ClientConfigs.admin(settings.kafka()))) {
        offsets = byPartition(GroupReset.reset(admin, group, name, target));
      }
      if (json) {
        System.out.println(CliJson.line(new ResetDone(group, name, target.toString(), offsets)));
      } else {
        printOffsets(offsets);
      }
      return 0;
    }
  }
}
