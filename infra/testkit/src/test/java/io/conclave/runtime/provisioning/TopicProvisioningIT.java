package io.conclave.runtime.provisioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.runtime.config.SagaRetention;
import io.conclave.runtime.provisioning.TopicProvisioner.TopicMismatchException;
import io.conclave.runtime.topics.TopicDeclaration;
import io.conclave.testkit.ConclaveStack;
import io.conclave.testkit.ConclaveStackExtension;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link TopicProvisioner} against a real broker: idempotent, and it reports mismatches instead of
 * fixing them.
 */
@ExtendWith(ConclaveStackExtension.class)
class TopicProvisioningIT {
  private static final Duration VISIBLE_WITHIN = Duration.ofSeconds(30);

  @Test
  void provisioningTwiceCreatesEverythingOnceAndThenNothing(ConclaveStack stack) throws Exception {
    // given
    ConclaveSettings settings = fresh(stack, "provision-twice");
    List<TopicDeclaration> declared = ConclaveTopics.declarations(settings);
    List<String> names = names(declared);

    try (Admin admin = stack.admin()) {
      TopicProvisioner provisioner = new TopicProvisioner(admin);

      // when
      TopicProvisioner.Report first = provisioner.ensure(declared);
      awaitVisible(admin, names);
      TopicProvisioner.Report second = provisioner.ensure(declared);

      // then
      assertThat(first.created()).containsExactlyInAnyOrderElementsOf(names);
      assertThat(first.unchanged()).isEmpty();
      assertThat(first.ok()).isTrue();
      assertThat(second.created()).isEmpty();
      assertThat(second.unchanged()).containsExactlyInAnyOrderElementsOf(names);
      assertThat(second.problems()).isEmpty();
      assertThat(provisioner.ensureOrThrow(declared).created()).isEmpty();
    }
  }

  @Test
  void createdTopicsReallyHaveTheDeclaredCleanupPolicyPartitionsAndMinIsr(ConclaveStack stack)
      throws Exception {
    // given: a namespace the stack provisioned
    ConclaveSettings settings = stack.isolated("provision-configs");
    List<TopicDeclaration> declared = ConclaveTopics.declarations(settings);

    try (Admin admin = stack.admin()) {
      // when
      awaitVisible(admin, names(declared));
      Map<String, Config> configs = topicConfigs(admin, names(declared));
      Map<String, TopicDescription> descriptions =
          admin.describeTopics(names(declared)).allTopicNames().get(30, TimeUnit.SECONDS);

      // then
      List<String> compacted =
          declared.stream()
              .filter(d -> d.cleanupPolicy().equals("compact"))
              .map(TopicDeclaration::name)
              .toList();
      assertThat(compacted)
          .contains(
              settings.topics().decisions(),
              settings.topics().snapshots(),
              settings.topics().agentHealth(),
              settings.topics().leadership(),
              settings.topics().checkpoints());
      for (String name : compacted) {
        assertThat(configs.get(name).get("cleanup.policy").value()).as(name).isEqualTo("compact");
      }
      // tasks and saga events are compacted and deleted after the saga retention
      for (String name : List.of(settings.topics().tasks(), settings.topics().sagaEvents())) {
        assertThat(configs.get(name).get("cleanup.policy").value())
            .as(name)
            .isEqualTo("compact,delete");
        assertThat(configs.get(name).get("retention.ms").value())
            .as(name)
            .isEqualTo(Long.toString(SagaRetention.DEFAULT.sagas().toMillis()));
      }
      for (TopicDeclaration d : declared) {
        assertThat(configs.get(d.name()).get("cleanup.policy").value())
            .as(d.name())
            .isEqualTo(d.cleanupPolicy());
        assertThat(configs.get(d.name()).get("min.insync.replicas").value())
            .as(d.name())
            .isEqualTo("1");
        assertThat(descriptions.get(d.name()).partitions()).as(d.name()).hasSize(d.partitions());
      }
    }
  }

  @Test
  void aTopicWithTheWrongCleanupPolicyIsReportedAndLeftAlone(ConclaveStack stack) throws Exception {
    // given: <prefix>.tasks exists already with cleanup.policy=delete, where compact is declared
    ConclaveSettings settings = fresh(stack, "provision-wrong-policy");
    String tasks = settings.topics().tasks();
    List<TopicDeclaration> declared = ConclaveTopics.declarations(settings);

    try (Admin admin = stack.admin()) {
      admin
          .createTopics(
              List.of(
                  new NewTopic(tasks, settings.partitions(), (short) 1)
                      .configs(Map.of("cleanup.policy", "delete"))))
          .all()
          .get(30, TimeUnit.SECONDS);
      awaitVisible(admin, List.of(tasks));
      TopicProvisioner provisioner = new TopicProvisioner(admin);

      // when
      TopicProvisioner.Report report = provisioner.ensure(declared);

      // then
      assertThat(report.ok()).isFalse();
      assertThat(report.problems())
          .singleElement()
          .asString()
          .contains(tasks)
          .contains("cleanup.policy=delete")
          .contains("compact");
      assertThat(report.unchanged()).containsExactly(tasks);
      assertThat(report.created())
          .containsExactlyInAnyOrderElementsOf(
              names(declared).stream().filter(n -> !n.equals(tasks)).toList());

      assertThatThrownBy(() -> provisioner.ensureOrThrow(declared))
          .isInstanceOf(TopicMismatchException.class)
          .hasMessageContaining(tasks)
          .hasMessageContaining("cleanup.policy=delete");

      assertThat(topicConfigs(admin, List.of(tasks)).get(tasks).get("cleanup.policy").value())
          .as("the provisioner reports, it never alters")
          .isEqualTo("delete");
    }
  }

  @Test
  void aTopicWithFewerPartitionsThanDeclaredIsReported(ConclaveStack stack) throws Exception {
    // given
    ConclaveSettings settings = fresh(stack, "provision-few-partitions");
    String decisions = settings.topics().decisions();
    List<TopicDeclaration> declared = ConclaveTopics.declarations(settings);

    try (Admin admin = stack.admin()) {
      admin
          .createTopics(
              List.of(
                  new NewTopic(decisions, 1, (short) 1)
                      .configs(Map.of("cleanup.policy", "compact"))))
          .all()
          .get(30, TimeUnit.SECONDS);
      awaitVisible(admin, List.of(decisions));

      // when / then
      assertThatThrownBy(() -> new TopicProvisioner(admin).ensureOrThrow(declared))
          .isInstanceOf(TopicMismatchException.class)
          .hasMessageContaining(
              decisions
                  + " has 1 partitions, fewer than the "
                  + settings.partitions()
                  + " declared");
    }
  }

  /*
   * The two tests below run the provisioner right after a topic was created, as happens when two processes start
   * together or when provisioning is repeated at once: the broker's topic listing lags the creation by a few ms.
   */

  @Test
  void aTopicCreatedJustBeforeWithTheWrongPolicyIsStillReported(ConclaveStack stack)
      throws Exception {
    // given: no wait between the foreign creation and the provisioner
    ConclaveSettings settings = fresh(stack, "provision-race-policy");
    String tasks = settings.topics().tasks();
    List<TopicDeclaration> declared = ConclaveTopics.declarations(settings);

    try (Admin admin = stack.admin()) {
      admin
          .createTopics(
              List.of(
                  new NewTopic(tasks, settings.partitions(), (short) 1)
                      .configs(Map.of("cleanup.policy", "delete"))))
          .all()
          .get(30, TimeUnit.SECONDS);

      // when / then
      assertThatThrownBy(() -> new TopicProvisioner(admin).ensureOrThrow(declared))
          .isInstanceOf(TopicMismatchException.class)
          .hasMessageContaining(tasks + " has cleanup.policy=delete");
    }
  }

  @Test
  void provisioningTwiceBackToBackAccountsForEveryTopic(ConclaveStack stack) {
    // given
    ConclaveSettings settings = fresh(stack, "provision-race-twice");
    List<TopicDeclaration> declared = ConclaveTopics.declarations(settings);

    try (Admin admin = stack.admin()) {
      TopicProvisioner provisioner = new TopicProvisioner(admin);

      // when
      provisioner.ensure(declared);
      TopicProvisioner.Report second = provisioner.ensure(declared);

      // then
      assertThat(second.created()).isEmpty();
      assertThat(second.unchanged()).containsExactlyInAnyOrderElementsOf(names(declared));
    }
  }

  /** Settings for a namespace nobody has provisioned yet (the broker is new in every test JVM). */
  private static ConclaveSettings fresh(ConclaveStack stack, String prefix) {
    return ConclaveSettings.from(Map.of(), Map.of())
        .withEndpoints(stack.bootstrapServers(), stack.registryUrl())
        .withTopicPrefix(prefix);
  }

  private static List<String> names(Collection<TopicDeclaration> declared) {
    return declared.stream().map(TopicDeclaration::name).toList();
  }

  /**
   * Waits until the broker's metadata lists every topic: a topic whose creation the controller
   * acknowledged can take a moment to show up in the broker's metadata cache, which is what
   * listTopics and describeConfigs read.
   */
  private static void awaitVisible(Admin admin, Collection<String> topics) throws Exception {
    long deadline = System.nanoTime() + VISIBLE_WITHIN.toNanos();
    Set<String> listed = Set.of();
    while (System.nanoTime() < deadline) {
      listed = admin.listTopics().names().get(10, TimeUnit.SECONDS);
      if (listed.containsAll(topics)) {
        return;
      }
      Thread.sleep(50); // polling interval, not a timing assumption
    }
    Set<String> last = listed;
    throw new AssertionError(
        "topics not visible within "
            + VISIBLE_WITHIN
            + ": "
            + topics.stream().filter(t -> !last.contains(t)).toList());
  }

  private static Map<String, Config> topicConfigs(Admin admin, Collection<String> topics)
      throws ExecutionException, InterruptedException, java.util.concurrent.TimeoutException {
    return admin
        .describeConfigs(
            topics.stream().map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList())
        .all()
        .get(30, TimeUnit.SECONDS)
        .entrySet()
        .stream()
        .collect(Collectors.toMap(e -> e.getKey().name(), Map.Entry::getValue));
  }
}
