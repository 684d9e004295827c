package io.conclave.launcher;

import io.conclave.kafka.ClientConfigs;
import io.conclave.kafka.ConclaveSettings;
import io.conclave.kafka.KafkaAcls;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AclBinding;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code conclave acls}: the least-privilege Kafka ACLs of one component for one principal ({@link KafkaAcls}), as
 * {@code kafka-acls.sh} lines, or created with {@code --apply} (by a principal that may alter the cluster's ACLs).
 */
@Command(name = "acls", mixinStandardHelpOptions = true,
    description = "Print (or --apply) the Kafka ACLs a component needs: coordinator, worker (with --agent-type), "
        + "projections, admin (the CLI).")
final class AclsCommand implements Callable<Integer> {
  @Option(names = "--component", required = true, description = "coordinator, worker, projections or admin")
  String component;

  @Option(names = "--agent-type", description = "the worker's agent type (workers only)")
  String agentType;

  @Option(names = "--principal", required = true, description = "the component's principal, e.g. User:research")
  String principal;

  @Option(names = "--apply", description = "create the ACLs in the cluster instead of printing them")
  boolean apply;

  @Override
  public Integer call() {
    ConclaveSettings settings = Endpoints.resolve();
    List<AclBinding> bindings;
    try {
      bindings = KafkaAcls.bindings(KafkaAcls.Component.of(component, agentType), settings, principal);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      return 2;
    }
    if (!apply) {
      bindings.forEach(b -> System.out.println("kafka-acls.sh --bootstrap-server " + settings.bootstrapServers()
          + " --add " + KafkaAcls.kafkaAclsArguments(b)));
      return 0;
    }
    try (Admin admin = Admin.create(ClientConfigs.admin(settings.kafka()))) {
      admin.createAcls(bindings).all().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      System.err.println("could not create the ACLs: " + cause.getMessage());
      return 1;
    }
    bindings.forEach(b -> System.out.println("created " + KafkaAcls.kafkaAclsArguments(b)));
    return 0;
  }
}
