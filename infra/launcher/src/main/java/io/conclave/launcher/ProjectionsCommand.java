package io.conclave.launcher;

import io.conclave.kafka.ClientConfigs;
import io.conclave.kafka.ConclaveSettings;
import io.conclave.kafka.LogPosition;
import io.conclave.kafka.StreamsReset;
import io.conclave.projections.ProjectionTopology;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code conclave projections rebuild}: rebuild the stopped projections from an offset or a time of their input. */
@Command(name = "projections", description = "Manage the projections' Kafka Streams state.",
    mixinStandardHelpOptions = true, subcommands = ProjectionsCommand.Rebuild.class)
final class ProjectionsCommand {
  @Command(name = "rebuild", mixinStandardHelpOptions = true,
      description = {"Rebuild the projections from an offset or a timestamp of their input topics (tasks, saga-events, "
          + "decisions, leadership, knowledge): moves their application's offsets there and deletes its internal topics; the "
          + "projections rebuild their stores when they start (each start has empty local state).",
          "Refused while a projections instance runs: stop them first, or ask a running one with "
              + "POST /admin/projections/rebuild."})
  static final class Rebuild implements Callable<Integer> {
    @ArgGroup(exclusive = true)
    From from = new From();

    static final class From {
      @Option(names = "--from-offset", description = "this offset in every partition (default: the beginning)")
      Long offset;

      @Option(names = "--from-time", description = "the first record at or after this ISO-8601 instant")
      String time;
    }

    @Option(names = "--application-id",
        description = "the projections' Kafka Streams application id (default: <topic prefix>-projections)")
    String applicationId;

    @Override
    public Integer call() throws Exception {
      ConclaveSettings settings = Endpoints.resolve();
      LogPosition position = from.offset == null && from.time == null ? LogPosition.beginning()
          : GroupsCommand.position(from.offset, from.time, "--from-time");
      String application = applicationId != null ? applicationId : ProjectionTopology.applicationId(settings.topics());
      try (Admin admin = Admin.create(ClientConfigs.admin(settings.kafka()))) {
        var outcome = StreamsReset.reset(admin, application, ProjectionTopology.inputTopics(settings.topics()), position,
            Duration.ofSeconds(30));
        GroupsCommand.printOffsets(outcome.offsets());
        outcome.deletedTopics().forEach(topic -> System.out.println("deleted " + topic));
      }
      return 0;
    }
  }
}
