package io.conclave.runtime.provisioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.conclave.runtime.config.ConclaveSettings;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;

/** The least-privilege ACLs of each component: what they grant and, above all, what they do not. */
class KafkaAclsTest {
  private final ConclaveSettings settings = ConclaveSettings.from(Map.of(), Map.of());

  private static List<String> topics(List<AclBinding> bindings, AclOperation operation) {
    return bindings.stream()
        .filter(
            b ->
                b.pattern().resourceType() == ResourceType.TOPIC
                    && b.entry().operation() == operation)
        .map(
            b ->
                b.pattern().patternType() == PatternType.PREFIXED
                    ? b.pattern().name() + "*"
                    : b.pattern().name())
        .toList();
  }

  @Test
  void aResearchWorkerReadsOnlyItsOwnCommandsAndWhatItRebuildsFrom() {
    // when
    List<AclBinding> acls =
        KafkaAcls.bindings(new KafkaAcls.Component.Worker("research"), settings, "User:research");

    // then
    assertThat(topics(acls, AclOperation.READ))
        .containsExactlyInAnyOrder(
            "conclave.commands.research",
            "conclave.compensations.research",
            "conclave.decisions",
            "conclave.snapshots",
            "conclave.knowledge",
            "conclave-projections-knowledge-changelog");
    assertThat(topics(acls, AclOperation.WRITE))
        .containsExactlyInAnyOrder(
            "conclave.decisions",
            "conclave.snapshots",
            "conclave.saga-events",
            "conclave.knowledge",
            "conclave.dead-letters",
            "conclave.agent-health",
            "conclave.commands.research",
            "conclave.compensations.research",
            "conclave.commands.analysis",
            "conclave.compensations.analysis",
            "conclave.commands.write",
            "conclave.compensations.write")
        .doesNotContain("conclave.tasks", "conclave.leadership");
    assertThat(acls)
        .filteredOn(b -> b.pattern().resourceType() == ResourceType.GROUP)
        .extracting(
            b -> b.pattern().name() + "/" + b.pattern().patternType() + "/" + b.entry().operation())
        .containsExactlyInAnyOrder(
            "conclave-worker-research/LITERAL/READ", "conclave-projections/LITERAL/DESCRIBE");
    assertThat(acls)
        .filteredOn(b -> b.pattern().resourceType() == ResourceType.TRANSACTIONAL_ID)
        .extracting(
            b -> b.pattern().name() + "/" + b.pattern().patternType() + "/" + b.entry().operation())
        .containsExactly("conclave-worker-research-/PREFIXED/WRITE");
    assertThat(acls).allSatisfy(b -> assertThat(b.entry().principal()).isEqualTo("User:research"));
    assertThat(acls).noneMatch(b -> b.entry().operation() == AclOperation.ALL);
  }

  @Test
  void theCoordinatorReadsTheTasksAndLeadsThroughItsOwnTransactionalIds() {
    // when
    List<AclBinding> acls =
        KafkaAcls.bindings(new KafkaAcls.Component.Coordinator(), settings, "User:coordinator");

    // then
    assertThat(topics(acls, AclOperation.READ))
        .contains("conclave.tasks", "conclave.saga-events", "conclave.leadership")
        .doesNotContain("conclave.commands.research", "conclave.knowledge");
    assertThat(topics(acls, AclOperation.WRITE))
        .contains("conclave.leadership", "conclave.commands.research")
        .doesNotContain("conclave.tasks");
    assertThat(acls)
        .extracting(KafkaAcls::kafkaAclsArguments)
        .contains(
            "--allow-principal User:coordinator --operation Read --group conclave-coordinator",
            "--allow-principal User:coordinator --operation Write --transactional-id conclave-coordinator-shard- "
                + "--resource-pattern-type prefixed");
  }

  @Test
  void theProjectionsOwnTheirStreamsTopicsAndWriteOnlyWhatTheirHttpApiAccepts() {
    // when
    List<AclBinding> acls =
        KafkaAcls.bindings(new KafkaAcls.Component.Projections(), settings, "User:projections");

    // then
    assertThat(topics(acls, AclOperation.WRITE))
        .containsExactlyInAnyOrder(
            "conclave.tasks",
            "conclave.saga-events",
            "conclave.dead-letters",
            "conclave.saga-definitions");
    assertThat(topics(acls, AclOperation.ALL)).containsExactly("conclave-projections-*");
  }

  @Test
  void badInputIsRefusedWithTheReason() {
    assertThatThrownBy(
            () -> KafkaAcls.bindings(new KafkaAcls.Component.Worker("poetry"), settings, "User:x"))
        .hasMessageContaining("'poetry' is not one of conclave.agent-types");
    assertThatThrownBy(
            () -> KafkaAcls.bindings(new KafkaAcls.Component.Admin(), settings, "research"))
        .hasMessageContaining("Type:name");
    assertThatThrownBy(() -> KafkaAcls.Component.of("worker", null))
        .hasMessageContaining("--agent-type");
    assertThatThrownBy(() -> KafkaAcls.Component.of("broker", null))
        .hasMessageContaining("unknown component 'broker'");
  }
}
