package io.conclave.launcher.security;

import io.conclave.launcher.cli.CliJson;
import io.conclave.launcher.cli.Endpoints;
import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.runtime.provisioning.KafkaAcls;
import io.conclave.runtime.security.ClientConfigs;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AclBinding;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code conclave acls}: the least-privilege Kafka ACLs of one component for one principal ({@link
 * KafkaAcls}), as {@code kafka-acls.sh} lines, or created with {@code --apply} (by a principal that
 * may alter the cluster's ACLs).
 */
@Command(
    name = "acls",
    mixinStandardHelpOptions = true,
    description =
        "Print (or --apply) the Kafka ACLs a component needs: coordinator, worker (with --agent-type), "
            + "projections, admin (the CLI).")
public final class AclsCommand implements Callable<Integer> {
  @Option(
      names = "--component",
      required = true,
      description = "coordinator, worker, projections or admin")
  String component;

  @Option(names = "--agent-type", description = "the worker's agent type (workers only)")
  String agentType;

  @Option(
      names = "--principal",
      required = true,
      description = "the component's principal, e.g. User:research")
  String principal;

  @Option(
      names = "--apply",
      description = "create the ACLs in the cluster instead of printing them")
  boolean apply;

  @Option(
      names = "--json",
      description =
          "print {component, agentType, principal, applied, acls: [...]} as one line "
              + "of JSON, with --apply once they are created")
  boolean json;

  /**
   * What {@code --json} prints.
   *
   * @param agentType the worker's agent type; null for another component
   * @param applied whether the ACLs were created in the cluster ({@code --apply}) or only listed
   */
  public record Acls(
      String component, String agentType, String principal, boolean applied, List<Acl> acls) {
    public static Acls of(
        String component,
        KafkaAcls.Component of,
        String principal,
        boolean applied,
        List<AclBinding> bindings) {
      return new Acls(
          component,
          of instanceof KafkaAcls.Component.Worker w ? w.agentType() : null,
          principal,
          applied,
          bindings.stream().map(Acl::of).toList());
    }
  }

  /**
   * One ACL of {@link Acls}, in Kafka's words ({@code TOPIC}, {@code PREFIXED}, {@code
   * DESCRIBE_CONFIGS}, ...).
   *
   * @param kafkaAcls the same ACL as {@code kafka-acls.sh} arguments, after {@code --add}
   */
  public record Acl(
      String resourceType,
      String resourceName,
      String patternType,
      String operation,
      String permission,
      String host,
      String kafkaAcls) {
    public static Acl of(AclBinding binding) {
      return new Acl(
          binding.pattern().resourceType().name(),
          binding.pattern().name(),
          binding.pattern().patternType().name(),
          binding.entry().operation().name(),
          binding.entry().permissionType().name(),
          binding.entry().host(),
          KafkaAcls.kafkaAclsArguments(binding));
    }
  }

  @Override
  public Integer call() {
    ConclaveSettings settings = Endpoints.resolve();
    KafkaAcls.Component of;
    List<AclBinding> bindings;
    try {
      of = KafkaAcls.Component.of(component, agentType);
      bindings = KafkaAcls.bindings(of, settings, principal);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      return 2;
    }
    if (apply) {
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
    }
    if (json) {
      System.out.println(CliJson.line(Acls.of(component, of, principal, apply, bindings)));
      return 0;
    }
    bindings.forEach(
        b ->
            System.out.println(
                (apply
                        ? "created "
                        : "kafka-acls.sh --bootstrap-server "
                            + settings.bootstrapServers()
                            + " --add ")
                    + KafkaAcls.kafkaAclsArguments(b)));
    return 0;
  }
}
