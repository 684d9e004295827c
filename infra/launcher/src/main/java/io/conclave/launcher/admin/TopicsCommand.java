package io.conclave.launcher.admin;

import io.conclave.launcher.cli.CliJson;
import io.conclave.launcher.cli.Endpoints;
import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.runtime.provisioning.ConclaveTopics;
import io.conclave.runtime.provisioning.TopicProvisioner;
import io.conclave.runtime.security.ClientConfigs;
import io.conclave.schemas.SchemaCatalog;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code conclave topics create}: make the cluster hold Conclave's topics. */
@Command(
    name = "topics",
    description = "Manage Conclave's topics.",
    mixinStandardHelpOptions = true,
    subcommands = {TopicsCommand.Create.class, TopicsCommand.RegisterSchemas.class})
public final class TopicsCommand {
  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description =
          "Create missing topics; report (exit 2) topics that exist with the wrong cleanup policy.")
  static final class Create implements Callable<Integer> {
    @Option(
        names = "--json",
        description =
            "print {created, unchanged, problems} as one line of JSON (the exit code "
                + "is the same)")
    boolean json;

    @Override
    public Integer call() {
      ConclaveSettings settings = Endpoints.resolve();
      try (Admin admin = Admin.create(ClientConfigs.admin(settings.kafka()))) {
        TopicProvisioner.Report report =
            new TopicProvisioner(admin).ensure(ConclaveTopics.declarations(settings));
        if (json) {
          System.out.println(CliJson.line(report));
          return report.ok() ? 0 : 2;
        }
        report.created().forEach(t -> System.out.println("created   " + t));
        report.unchanged().forEach(t -> System.out.println("unchanged " + t));
        report.problems().forEach(p -> System.err.println("problem   " + p));
        return report.ok() ? 0 : 2;
      }
    }
  }

  @Command(
      name = "register-schemas",
      mixinStandardHelpOptions = true,
      description =
          "Register every topic's Avro schema in the registry (as a deploy does before the services start).")
  static final class RegisterSchemas implements Callable<Integer> {
    @Option(names = "--json", description = "print {registered: [...]} as one line of JSON")
    boolean json;

    /** What {@code --json} prints: the artifacts registered (or already there). */
    record Registered(List<String> registered) {}

    @Override
    public Integer call() {
      ConclaveSettings settings = Endpoints.resolve();
      List<String> registered =
          SchemaCatalog.registerAll(settings.registry(), settings.topics(), settings.agentTypes());
      if (json) {
        System.out.println(CliJson.line(new Registered(registered)));
      } else {
        registered.forEach(a -> System.out.println("registered " + a));
      }
      return 0;
    }
  }
}
