package io.conclave.launcher.admin;

import io.conclave.launcher.cli.CliJson;
import io.conclave.launcher.cli.Endpoints;
import io.conclave.launcher.cli.Progress;
import io.conclave.launcher.service.ServiceRun;
import io.conclave.projections.ProjectionsApplication;
import io.conclave.projections.operations.RebuildAccepted;
import io.conclave.projections.runtime.ProjectionTopology;
import io.conclave.runtime.admin.StreamsReset;
import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.runtime.readers.LogPosition;
import io.conclave.runtime.security.ClientConfigs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code conclave projections}: run the projections and their HTTP API against any cluster, in the
 * foreground; {@code conclave projections rebuild}: rebuild the stopped projections from an offset
 * or a time of their input.
 */
@Command(
    name = "projections",
    description = {
      "Run the projections and the HTTP API against the cluster until Ctrl-C (the projections' own "
          + "settings apply: docs/configuration.md; its API tokens come from CONCLAVE_API_TOKENS); "
          + "or manage their Kafka Streams state.",
    },
    mixinStandardHelpOptions = true,
    subcommands = ProjectionsCommand.Rebuild.class)
public final class ProjectionsCommand implements Callable<Integer> {
  @Option(
      names = "--port",
      paramLabel = "PORT",
      description = "the HTTP API's port (default: conclave.http.port, 8080)")
  Integer port;

  @Option(
      names = "--host",
      paramLabel = "HOST",
      description = "the address the HTTP API binds (default: conclave.http.host, 127.0.0.1)")
  String host;

  @Option(
      names = "--state-dir",
      paramLabel = "DIR",
      description = "where Kafka Streams keeps its state (default: conclave.state-dir)")
  Path stateDir;

  /** The projections' settings these options give. */
  Map<String, String> settings() {
    Map<String, String> s = new LinkedHashMap<>();
    ServiceRun.putIfGiven(s, "conclave.http.port", port);
    ServiceRun.putIfGiven(s, "conclave.http.host", host);
    ServiceRun.putIfGiven(
        s, "conclave.state-dir", stateDir == null ? null : stateDir.toAbsolutePath());
    return s;
  }

  @Override
  public Integer call() throws InterruptedException {
    return ServiceRun.untilStopped(settings(), ProjectionsApplication::main);
  }

  @Command(
      name = "rebuild",
      mixinStandardHelpOptions = true,
      description = {
        "Rebuild the projections from an offset or a timestamp of their input topics (tasks, saga-events, "
            + "decisions, leadership, knowledge): moves their application's offsets there and deletes its internal topics; the "
            + "projections rebuild their stores when they start (each start has empty local state).",
        "Refused while a projections instance runs: stop them first, or ask a running one with "
            + "POST /admin/projections/rebuild.",
        "Each step goes to standard error (--quiet: nothing)."
      })
  static final class Rebuild implements Callable<Integer> {
    @ArgGroup(exclusive = true)
    From from = new From();

    static final class From {
      @Option(
          names = "--from-offset",
          description = "this offset in every partition (default: the beginning)")
      Long offset;

      @Option(
          names = "--from-time",
          description = "the first record at or after this ISO-8601 instant")
      String time;
    }

    @Option(
        names = "--application-id",
        description =
            "the projections' Kafka Streams application id (default: <topic prefix>-projections)")
    String applicationId;

    @Option(
        names = "--json",
        description =
            "print {applicationId, from, offsets, deletedTopics} as one line of JSON "
                + "(what POST /admin/projections/rebuild answers)")
    boolean json;

    @Mixin Progress.Quiet quiet;

    @Override
    public Integer call() throws Exception {
      ConclaveSettings settings = Endpoints.resolve();
      LogPosition position =
          from.offset == null && from.time == null
              ? LogPosition.beginning()
              : GroupsCommand.position(from.offset, from.time, "--from-time");
      String application =
          applicationId != null
              ? applicationId
              : ProjectionTopology.applicationId(settings.topics());
      List<String> inputs = ProjectionTopology.inputTopics(settings.topics());
      Progress progress = quiet.progress("rebuild");
      progress.step(
          "moving the offsets of "
              + application
              + " on "
              + inputs.size()
              + " input topics to "
              + position);
      try (Admin admin = Admin.create(ClientConfigs.admin(settings.kafka()))) {
        var outcome =
            StreamsReset.reset(
                admin,
                application,
                inputs,
                position,
                Duration.ofSeconds(30),
                step -> progress(progress, step));
        Map<String, Long> offsets = GroupsCommand.byPartition(outcome.offsets());
        if (json) {
          System.out.println(
              CliJson.line(
                  new RebuildAccepted(
                      application, position.toString(), offsets, outcome.deletedTopics())));
        } else {
          GroupsCommand.printOffsets(offsets);
          outcome.deletedTopics().forEach(topic -> System.out.println("deleted " + topic));
        }
      }
      progress.step("done: the projections rebuild their stores from there when they start");
      return 0;
    }

    private static void progress(Progress progress, StreamsReset.Step step) {
      if (step instanceof StreamsReset.OffsetsMoved moved) {
        progress.step("offsets moved on " + moved.partitions() + " partitions");
      } else if (step instanceof StreamsReset.DeletingTopics deleting) {
        progress.step(
            "deleting "
                + deleting.topics().size()
                + " internal topics (changelogs, repartition topics)");
      } else if (step instanceof StreamsReset.TopicsLeft left) {
        progress.count(
            left.topics().isEmpty()
                ? "internal topics deleted"
                : "waiting for the deletion of " + left.topics().size() + " internal topics");
      }
    }
  }
}
