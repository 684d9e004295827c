package io.conclave.schemas;

import io.apicurio.registry.rest.client.RegistryClient;
import io.apicurio.registry.rest.client.RegistryClientFactory;
import io.apicurio.registry.rest.v2.beans.IfExists;
import io.apicurio.registry.rest.v2.beans.Rule;
import io.apicurio.registry.types.ArtifactType;
import io.apicurio.registry.types.RuleType;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;

/**
 * Which schema each of Conclave's topics carries, and its registration in the registry under the
 * artifact the serdes look up ({@code <topic>-value}, {@code <topic>-key}). Registering ahead of
 * the services is how schemas reach the registry outside development, and it keeps concurrent first
 * writes of many processes from racing to register the same artifact.
 */
public final class SchemaCatalog {
  private static final String GROUP = "default";

  private SchemaCatalog() {}

  /** One registry artifact: a topic's key or value schema. */
  public record Entry(String artifactId, Schema schema) {}

  /**
   * The names of the topics whose schemas the catalog lists. The runtime's topic names implement
   * it: the catalog knows which schema each topic carries, not how an installation names its
   * topics.
   */
  public interface Topics {
    String tasks();

    String decisions();

    String snapshots();

    String sagaEvents();

    String checkpoints();

    String leadership();

    String sagaDefinitions();

    String shadow();

    String agentHealth();

    String knowledge();

    String deadLetters();

    String commands(String agentType);

    String compensations(String agentType);
  }

  /**
   * Every artifact of an installation whose topics are named {@code t} and whose agent types are
   * {@code agentTypes}.
   */
  public static List<Entry> entries(Topics t, List<String> agentTypes) {
    List<Entry> all = new ArrayList<>();
    all.add(value(t.tasks(), io.conclave.schemas.avro.TaskSubmitted.getClassSchema()));
    all.add(
        new Entry(t.decisions() + "-key", io.conclave.schemas.avro.DecisionKey.getClassSchema()));
    all.add(value(t.decisions(), io.conclave.schemas.avro.DecisionRecorded.getClassSchema()));
    all.add(value(t.snapshots(), io.conclave.schemas.avro.AgentSnapshot.getClassSchema()));
    all.add(value(t.sagaEvents(), io.conclave.schemas.avro.SagaEvent.getClassSchema()));
    all.add(value(t.checkpoints(), io.conclave.schemas.avro.ShardCheckpoint.getClassSchema()));
    all.add(value(t.leadership(), io.conclave.schemas.avro.LeaderElected.getClassSchema()));
    all.add(
        value(
            t.sagaDefinitions(),
            io.conclave.schemas.avro.SagaDefinitionRegistered.getClassSchema()));
    all.add(value(t.shadow(), io.conclave.schemas.avro.RedrivenStep.getClassSchema()));
    all.add(value(t.agentHealth(), io.conclave.schemas.avro.BreakerStateChanged.getClassSchema()));
    all.add(value(t.knowledge(), io.conclave.schemas.avro.CrdtDelta.getClassSchema()));
    all.add(value(t.deadLetters(), io.conclave.schemas.avro.DeadLetter.getClassSchema()));
    for (String type : agentTypes) {
      all.add(value(t.commands(type), io.conclave.schemas.avro.StepCommand.getClassSchema()));
      all.add(
          value(
              t.compensations(type), io.conclave.schemas.avro.CompensateCommand.getClassSchema()));
    }
    return List.copyOf(all);
  }

  /**
   * The compatibility rule every artifact gets: a new schema must read the data written with the
   * previous one.
   */
  public static final String COMPATIBILITY = "BACKWARD";

  /**
   * Registers every entry (one at a time); an artifact that already has this schema is left as it
   * is. Each artifact carries a {@value #COMPATIBILITY} compatibility rule from its first version
   * on, so a later schema that old readers' data would break is refused by the registry.
   *
   * @throws io.apicurio.registry.rest.client.exception.RuleViolationException if a schema breaks
   *     the rule
   */
  public static List<String> registerAll(
      RegistrySettings registry, Topics topics, List<String> agentTypes) {
    List<String> registered = new ArrayList<>();
    try (RegistryClient client = RegistryClientFactory.create(registry.url())) {
      for (Entry e : entries(topics, agentTypes)) {
        byte[] content = e.schema().toString().getBytes(StandardCharsets.UTF_8);
        client.createArtifact(
            GROUP,
            e.artifactId(),
            null,
            ArtifactType.AVRO,
            IfExists.RETURN_OR_UPDATE,
            false,
            new ByteArrayInputStream(content));
        if (!client.listArtifactRules(GROUP, e.artifactId()).contains(RuleType.COMPATIBILITY)) {
          client.createArtifactRule(
              GROUP, e.artifactId(), new Rule(COMPATIBILITY, RuleType.COMPATIBILITY));
        }
        registered.add(e.artifactId());
      }
    } catch (IOException e) {
      throw new IllegalStateException("could not close the registry client: " + e.getMessage(), e);
    }
    return registered;
  }

  private static Entry value(String topic, Schema schema) {
    return new Entry(topic + "-value", schema);
  }
}
