package io.conclave.launcher;

import io.conclave.kafka.ConclaveSettings;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code conclave groups reset}: move a stopped consumer group of Conclave back to an offset or a time. */
@Command(name = "groups", description = "Manage Conclave's consumer groups.", mixinStandardHelpOptions = true,
    subcommands = GroupsCommand.Reset.class)
final class GroupsCommand {
  @Command(name = "reset", mixinStandardHelpOptions = true,
      description = "Reset a group's offsets on a topic to an offset or a timestamp; refused while the group is active.")
  static final class Reset implements Callable<Integer> {
    @Option(names = "--group", required = true,
        description = "the group, e.g. conclave-coordinator or conclave-worker-research")
    String group;

    @Option(names = "--topic", required = true, description = "full name or short name (tasks, commands.research, ...)")
    String topic;

    @ArgGroup(exclusive = true, multiplicity = "1")
    To to;

    static final class To {
      @Option(names = "--to-offset", description = "this offset in every partition") Long offset;

      @Option(names = "--to-time", description = "the first record at or after this ISO-8601 instant") String time;
    }

    @Override
    public Integer call() throws Exception {
      ConclaveSettings settings = Endpoints.resolve();
      GroupReset.Target target;
      if (to.offset != null) {
        target = new GroupReset.Target.ToOffset(to.offset);
      } else {
        try {
          target = new GroupReset.Target.ToTime(Instant.parse(to.time));
        } catch (DateTimeParseException e) {
          throw new IllegalArgumentException("--to-time must be an ISO-8601 instant such as 2026-11-24T10:00:00Z");
        }
      }
      try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers()))) {
        var moved = GroupReset.reset(admin, group, ReplayCommand.resolveTopic(settings, topic), target);
        Map<String, Long> byPartition = new TreeMap<>();
        moved.forEach((tp, offset) -> byPartition.put(tp.toString(), offset));
        byPartition.forEach((tp, offset) -> System.out.println(tp + " -> " + offset));
      }
      return 0;
    }
  }
}
