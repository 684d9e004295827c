package io.conclave.runtime.provisioning;

import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.runtime.topics.TopicNames;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The Kafka ACLs each Conclave component needs, and no more: a pure function of the installation's
 * topics, its agent types and the component's principal. Reading or writing a topic implies
 * describing it, so only reads and writes are listed. A worker of one agent type reads only its own
 * command and compensation topics; what it must read of everyone's (the decisions and snapshots it
 * rebuilds its agents from, the shared knowledge) and where it writes (the next step's command may
 * be for any agent type) is listed with the reason.
 */
public final class KafkaAcls {
  private KafkaAcls() {}

  /** A Conclave component, the unit ACLs are granted to. */
  public sealed interface Component {
    /** The shard leaders ({@code io.conclave.coordinator.Coordinator}). */
    record Coordinator() implements Component {}

    /**
     * A worker of one agent type ({@code io.conclave.worker.AgentWorker}); a worker of several
     * types needs each.
     */
    record Worker(String agentType) implements Component {
      public Worker {
        Objects.requireNonNull(agentType, "agentType");
      }
    }

    /** The projections (Kafka Streams, the HTTP API and its admin endpoints). */
    record Projections() implements Component {}

    /**
     * An operator running {@code bin/conclave} (topics, replays, group resets, re-drives, dead
     * letters).
     */
    record Admin() implements Component {}

    /** The component a CLI name (coordinator, worker, projections, admin) stands for. */
    static Component of(String name, String agentType) {
      return switch (name) {
        case "coordinator" -> new Coordinator();
        case "worker" -> {
          if (agentType == null || agentType.isBlank()) {
            throw new IllegalArgumentException(
                "a worker's ACLs depend on its agent type: give --agent-type");
          }
          yield new Worker(agentType);
        }
        case "projections" -> new Projections();
        case "admin" -> new Admin();
        default ->
            throw new IllegalArgumentException(
                "unknown component '" + name + "': one of coordinator, worker, projections, admin");
      };
    }
  }

  /**
   * The ACL bindings {@code principal} ({@code User:name}) needs to run {@code component} of the
   * installation {@code settings} describe (its topic prefix and agent types).
   *
   * @throws IllegalArgumentException for a principal that is not {@code Type:name}, or a worker of
   *     an agent type the settings do not name
   */
  public static List<AclBinding> bindings(
      Component component, ConclaveSettings settings, String principal) {
    if (principal == null || !principal.matches("[A-Za-z]+:.+")) {
      throw new IllegalArgumentException(
          "a principal is Type:name, e.g. User:research, was '" + principal + "'");
    }
    TopicNames t = settings.topics();
    String prefix = t.prefix();
    Grants g = new Grants(principal);
    if (component instanceof Component.Coordinator) {
      g.read(t.tasks(), t.sagaEvents(), t.checkpoints());
      // the health of the agents (held commands), the last epoch, and the planner's log it rebuilds
      // on take-over
      g.read(t.agentHealth(), t.leadership(), t.decisions(), t.snapshots());
      // the registered saga definitions that tasks name
      g.read(t.sagaDefinitions());
      g.write(
          t.sagaEvents(),
          t.decisions(),
          t.snapshots(),
          t.leadership(),
          t.deadLetters(),
          t.checkpoints());
      // it dispatches the first step and re-sends compensations, to any agent type
      writeEveryCommandTopic(g, settings);
      g.group(PatternType.LITERAL, t.coordinatorGroup(), AclOperation.READ);
      g.transactionalIds(t.coordinatorTransactionalIds() + "-");
    } else if (component instanceof Component.Worker w) {
      if (!settings.agentTypes().contains(w.agentType())) {
        throw new IllegalArgumentException(
            "agent type '"
                + w.agentType()
                + "' is not one of conclave.agent-types "
                + settings.agentTypes());
      }
      g.read(t.commands(w.agentType()), t.compensations(w.agentType()));
      // an agent's state is rebuilt from its snapshot and decisions, which share topics with every
      // other agent's; the knowledge feed merges everyone's deltas
      g.read(t.decisions(), t.snapshots(), t.knowledge());
      // the knowledge feed starts from the projections' merged knowledge and the offsets it covers
      g.read(t.knowledgeChangelog());
      g.group(PatternType.LITERAL, t.projectionsApplicationId(), AclOperation.DESCRIBE);
      g.write(
          t.decisions(),
          t.snapshots(),
          t.sagaEvents(),
          t.knowledge(),
          t.deadLetters(),
          t.agentHealth());
      // the next step's command, or the next compensation, goes to whichever agent type runs it
      writeEveryCommandTopic(g, settings);
      g.group(PatternType.LITERAL, t.workerGroup(w.agentType()), AclOperation.READ);
      g.transactionalIds(t.workerTransactionalIds(w.agentType()) + "-");
    } else if (component instanceof Component.Projections) {
      // the views, and the admin endpoints that read any of the installation's topics
      g.add(ResourceType.TOPIC, PatternType.PREFIXED, prefix + ".", AclOperation.READ);
      g.write(t.tasks(), t.sagaEvents(), t.deadLetters(), t.sagaDefinitions());
      // Kafka Streams' own topics, group and transactional ids all start with its application id
      String applicationId = t.projectionsApplicationId();
      g.add(ResourceType.TOPIC, PatternType.PREFIXED, applicationId + "-", AclOperation.ALL);
      g.group(PatternType.LITERAL, applicationId, AclOperation.READ);
      g.transactionalIds(applicationId + "-");
      // POST /admin/groups/{group}/reset moves the offsets of the installation's groups
      g.group(PatternType.PREFIXED, prefix + "-", AclOperation.READ);
    } else {
      g.add(ResourceType.TOPIC, PatternType.PREFIXED, prefix + ".", AclOperation.ALL);
      g.add(ResourceType.TOPIC, PatternType.PREFIXED, prefix + "-", AclOperation.ALL);
      g.group(PatternType.PREFIXED, prefix + "-", AclOperation.ALL);
      g.add(ResourceType.TRANSACTIONAL_ID, PatternType.PREFIXED, prefix + "-", AclOperation.ALL);
    }
    return List.copyOf(g.bindings);
  }

  private static void writeEveryCommandTopic(Grants g, ConclaveSettings settings) {
    for (String type : settings.agentTypes()) {
      g.write(settings.topics().commands(type), settings.topics().compensations(type));
    }
  }

  /**
   * A binding as the arguments of {@code kafka-acls.sh --add}, e.g. {@code --allow-principal
   * User:research --operation Read --topic conclave.commands.research}.
   */
  public static String kafkaAclsArguments(AclBinding binding) {
    ResourcePattern r = binding.pattern();
    String resource =
        switch (r.resourceType()) {
          case TOPIC -> "--topic " + r.name();
          case GROUP -> "--group " + r.name();
          case TRANSACTIONAL_ID -> "--transactional-id " + r.name();
          case CLUSTER -> "--cluster";
          default -> "--resource-type " + r.resourceType() + " " + r.name();
        };
    return "--allow-principal "
        + binding.entry().principal()
        + " --operation "
        + camel(binding.entry().operation())
        + " "
        + resource
        + (r.patternType() == PatternType.PREFIXED ? " --resource-pattern-type prefixed" : "");
  }

  private static String camel(AclOperation op) {
    StringBuilder s = new StringBuilder();
    for (String part : op.name().split("_")) {
      s.append(part.charAt(0)).append(part.substring(1).toLowerCase(Locale.ROOT));
    }
    return s.toString();
  }

  private static final class Grants {
    private final String principal;
    private final List<AclBinding> bindings = new ArrayList<>();

    Grants(String principal) {
      this.principal = principal;
    }

    void read(String... topics) {
      for (String topic : topics) {
        add(ResourceType.TOPIC, PatternType.LITERAL, topic, AclOperation.READ);
      }
    }

    void write(String... topics) {
      for (String topic : topics) {
        add(ResourceType.TOPIC, PatternType.LITERAL, topic, AclOperation.WRITE);
      }
    }

    void group(PatternType pattern, String name, AclOperation operation) {
      add(ResourceType.GROUP, pattern, name, operation);
    }

    /** Writing under a transactional id implies describing it. */
    void transactionalIds(String prefix) {
      add(ResourceType.TRANSACTIONAL_ID, PatternType.PREFIXED, prefix, AclOperation.WRITE);
    }

    void add(ResourceType type, PatternType pattern, String name, AclOperation operation) {
      AclBinding b =
          new AclBinding(
              new ResourcePattern(type, name, pattern),
              new AccessControlEntry(principal, "*", operation, AclPermissionType.ALLOW));
      if (!bindings.contains(b)) {
        bindings.add(b);
      }
    }
  }
}
