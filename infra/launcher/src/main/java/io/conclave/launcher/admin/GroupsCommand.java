package io.conclave.launcher.admin;

import io.conclave.launcher.cli.CliJson;
import io.conclave.launcher.cli.Endpoints;
import io.conclave.runtime.admin.GroupActiveException;
import io.conclave.runtime.admin.GroupReset;
import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.runtime.readers.LogPosition;
import io.conclave.runtime.security.ClientConfigs;
import io.conclave.runtime.topics.ShortTopicNames;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
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
 * time; a preview of the move unless {@code --execute}, as {@code kafka-consumer-groups
 * --reset-offsets} defaults to {@code --dry-run}.
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

  /**
   * The lines of a reset's preview: each partition's target, and the group's committed offset there
   * now ({@code none} where it has none), in {@code targets}' order.
   */
  static List<String> previewLines(Map<String, Long> targets, Map<String, Long> committed) {
    List<String> lines = new ArrayList<>();
    targets.forEach(
        (tp, offset) -> {
          Long now = committed.get(tp);
          lines.add(
              tp + " -> " + offset + "   (committed now: " + (now == null ? "none" : now) + ")");
        });
    return lines;
  }

  @Command(
      name = "reset",
      mixinStandardHelpOptions = true,
      description = {
        "Reset a group's offsets on a topic to an offset or a timestamp; refused while the group is active.",
        "Without --execute, only shows where each partition would move: nothing changes."
      })
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

    @Option(
        names = "--execute",
        description = "carry the reset out (without it: a preview, nothing changes)")
    boolean execute;

    @Option(
        names = "--json",
        description = "print {group, topic, to, executed, offsets, committed} as one line of JSON")
    boolean json;

    /**
     * What {@code --json} prints: the offsets the reset moves (or would move) the group to, each
     * partition's committed offset before it (null: none), and whether it was carried out.
     */
    record ResetDone(
        String group,
        String topic,
        String to,
        boolean executed,
        Map<String, Long> offsets,
        Map<String, Long> committed) {}

    @Override
    public Integer call() throws Exception {
      ConclaveSettings settings = Endpoints.resolve();
      LogPosition target = position(to.offset, to.time, "--to-time");
      String name = ShortTopicNames.resolve(settings.topics(), topic);
      Map<String, Long> offsets;
      Map<String, Long> committed;
      String refusal = null;
      try (Admin admin = Admin.create(ClientConfigs.admin(settings.kafka()))) {
        committed = committed(admin, name);
        if (execute) {
          offsets = byPartition(GroupReset.reset(admin, group, name, target));
        } else {
          offsets = byPartition(GroupReset.targets(admin, List.of(name), target));
          try {
            GroupReset.requireInactive(admin, group);
          } catch (GroupActiveException e) {
            refusal = e.getMessage();
          }
        }
      }
      if (json) {
        System.out.println(
            CliJson.line(
                new ResetDone(group, name, target.toString(), execute, offsets, committed)));
      } else if (execute) {
        printOffsets(offsets);
      } else {
        System.out.printf("preview: %s on %s to %s%n", group, name, target);
        previewLines(offsets, committed).forEach(System.out::println);
        System.out.println(
            refusal != null
                ? "nothing changed; --execute would be refused now: " + refusal
                : "nothing changed: run again with --execute to reset");
      }
      return 0;
    }

    /** The group's committed offsets on {@code topic} by {@code topic-partition}. */
    private Map<String, Long> committed(Admin admin, String topic) throws Exception {
      Map<TopicPartition, Long> mine = new HashMap<>();
      admin
          .listConsumerGroupOffsets(group)
          .partitionsToOffsetAndMetadata()
          .get()
          .forEach(
              (tp, o) -> {
                if (tp.topic().equals(topic) && o != null) {
                  mine.put(tp, o.offset());
                }
              });
      return byPartition(mine);
    }
  }
}
