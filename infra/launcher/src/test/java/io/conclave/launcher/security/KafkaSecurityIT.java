package io.conclave.launcher.security;

import static io.conclave.testkit.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.conclave.launcher.harness.Cli;
import io.conclave.launcher.harness.Http;
import io.conclave.launcher.harness.InProcessConclave;
import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.runtime.provisioning.KafkaAcls;
import io.conclave.runtime.security.ClientConfigs;
import io.conclave.runtime.security.KafkaClientSecurity;
import io.conclave.testkit.ConclaveStack;
import io.conclave.worker.AgentWorker;
import io.conclave.worker.OfflineAgent;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.ResourcePatternFilter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Conclave on a broker that takes only SASL/SCRAM over TLS (SASL_SSL, a certificate made for the
 * test) and authorizes every request with ACLs: each component runs as its own user with the ACLs
 * {@link KafkaAcls} lists for it, a task runs to completion through all of them, and a research
 * worker's user can neither read another type's commands, nor join its group, nor submit tasks. A
 * wrong password fails authentication with the broker's reason.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KafkaSecurityIT {
  private ConclaveStack stack;

  /**
   * The installation as its administrator (the broker's super user) sees it: topics and schemas in
   * place.
   */
  private ConclaveSettings admin;

  private final List<AutoCloseable> running = new ArrayList<>();
  private Http http;

  @BeforeAll
  void start() throws Exception {
    // absolute: a CLI run in a directory of its own finds the trust store too
    stack = ConclaveStack.startWithSaslSsl(Path.of("target").toAbsolutePath());
    admin = stack.isolated("secured");
    try (Admin a = stack.admin()) {
      List<UserScramCredentialAlteration> users = new ArrayList<>();
      for (String user : List.of("coordinator", "research", "analysis", "write", "projections")) {
        users.add(
            new UserScramCredentialUpsertion(
                user, new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), password(user)));
      }
      a.alterUserScramCredentials(users).all().get();
      a.createAcls(
              KafkaAcls.bindings(new KafkaAcls.Component.Coordinator(), admin, "User:coordinator"))
          .all()
          .get();
      for (String type : admin.agentTypes()) {
        a.createAcls(
                KafkaAcls.bindings(new KafkaAcls.Component.Worker(type), admin, "User:" + type))
            .all()
            .get();
      }
      a.createAcls(
              KafkaAcls.bindings(new KafkaAcls.Component.Projections(), admin, "User:projections"))
          .all()
          .get();
    }
    running.add(InProcessConclave.with(as("coordinator")).workers(0).noProjections().start());
    // by hand: each worker runs as its type's user and hosts that type only, where the builder's
    // workers host every type
    for (String type : admin.agentTypes()) {
      running.add(
          new AgentWorker(as(type), List.of(new OfflineAgent(type)), Clock.systemUTC()).start());
    }
    InProcessConclave projections =
        InProcessConclave.with(as("projections")).noCoordinator().workers(0).start();
    running.add(projections);
    http = projections.http();
  }

  @AfterAll
  void stop() throws Exception {
    for (int i = running.size() - 1; i >= 0; i--) {
      running.get(i).close();
    }
    if (stack != null) {
      stack.close();
    }
  }

  private static String password(String user) {
    return user + "-s3cret";
  }

  private ConclaveSettings as(String user) {
    return as(user, password(user));
  }

  /** SCRAM-SHA-512 over TLS, trusting the test's certificate as the administrator does. */
  private ConclaveSettings as(String user, String password) {
    return admin.withKafkaSecurity(
        new KafkaClientSecurity(
            "SASL_SSL",
            "SCRAM-SHA-512",
            user,
            password,
            admin.kafkaSecurity().truststore(),
            null,
            Map.of()));
  }

  @Test
  void aTaskRunsToCompletionWithEveryComponentAuthenticatedAsItsOwnUser() {
    // when: submitted through the projections (user projections)
    HttpResponse<String> accepted =
        http.postJson("/tasks", "{\"taskId\":\"secure-1\",\"prompt\":\"Why SCRAM?\"}");

    // then: planned by the coordinator, its steps run by the research, analysis and write workers,
    // each as itself
    assertThat(accepted.statusCode()).isEqualTo(202);
    var task = http.awaitTaskStatus("secure-1", "COMPLETED");
    List<String> types = new ArrayList<>();
    task.get("steps").forEach(step -> types.add(step.get("agentType").asText()));
    assertThat(types).containsExactly("research", "analysis", "write");
  }

  @Test
  void theResearchWorkersUserCannotReadAnotherTypesCommandsNorJoinItsGroupNorSubmitTasks() {
    ConclaveSettings research = as("research");
    // another type's command topic (read without a group, so the running research worker's group is
    // left alone)
    try (var consumer =
        new KafkaConsumer<byte[], byte[]>(ClientConfigs.consumer(research.kafka(), null))) {
      consumer.assign(List.of(new TopicPartition(research.topics().commands("analysis"), 0)));
      assertThatThrownBy(() -> consumer.poll(Duration.ofSeconds(10)))
          .isInstanceOf(TopicAuthorizationException.class)
          .hasMessageContaining(research.topics().commands("analysis"));
    }
    // its own topic, in another type's group: refused before it joins
    try (var consumer =
        new KafkaConsumer<byte[], byte[]>(
            ClientConfigs.consumer(research.kafka(), research.topics().workerGroup("analysis")))) {
      consumer.subscribe(List.of(research.topics().commands("research")));
      assertThatThrownBy(() -> consumer.poll(Duration.ofSeconds(10)))
          .isInstanceOf(GroupAuthorizationException.class);
    }
    // a write to conclave.tasks
    try (var producer =
        new KafkaProducer<byte[], byte[]>(ClientConfigs.producer(research.kafka()))) {
      var sent =
          producer.send(
              new ProducerRecord<>(research.topics().tasks(), "k".getBytes(), "v".getBytes()));
      assertThatThrownBy(sent::get)
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(TopicAuthorizationException.class);
    }
  }

  @Test
  void theCliAppliesAComponentsAclsAndAnswersThemAsJson() throws Exception {
    // when: the administrator grants a second research worker's user its ACLs
    Cli.Result applied =
        Cli.run(
            admin,
            "acls",
            "--component",
            "worker",
            "--agent-type",
            "research",
            "--principal",
            "User:research-2",
            "--apply",
            "--json");

    // then: the answer lists what is now in the cluster
    assertThat(applied.exitCode()).as(applied.err()).isZero();
    assertThat(applied.out()).hasSize(1);
    JsonNode answer = new ObjectMapper().readTree(applied.out().get(0));
    assertThat(answer.path("component").asText()).isEqualTo("worker");
    assertThat(answer.path("agentType").asText()).isEqualTo("research");
    assertThat(answer.path("principal").asText()).isEqualTo("User:research-2");
    assertThat(answer.path("applied").asBoolean()).isTrue();
    List<String> answered = new ArrayList<>();
    answer
        .path("acls")
        .forEach(
            acl ->
                answered.add(
                    acl.path("resourceType").asText()
                        + " "
                        + acl.path("resourceName").asText()
                        + " "
                        + acl.path("patternType").asText()
                        + " "
                        + acl.path("operation").asText()
                        + " "
                        + acl.path("permission").asText()));
    assertThat(answered)
        .contains("TOPIC " + admin.topics().commands("research") + " LITERAL READ ALLOW");
    // a broker learns of new ACLs from the metadata log, a moment after they were created
    eventually(
        () -> assertThat(answered).containsExactlyInAnyOrderElementsOf(aclsOf("User:research-2")));
  }

  /** The principal's ACLs in the cluster, as {@code TOPIC name LITERAL READ ALLOW}. */
  private List<String> aclsOf(String principal) throws Exception {
    List<String> acls = new ArrayList<>();
    try (Admin a = stack.admin()) {
      a.describeAcls(
              new AclBindingFilter(
                  ResourcePatternFilter.ANY,
                  new AccessControlEntryFilter(
                      principal, null, AclOperation.ANY, AclPermissionType.ANY)))
          .values()
          .get()
          .forEach(
              b ->
                  acls.add(
                      b.pattern().resourceType()
                          + " "
                          + b.pattern().name()
                          + " "
                          + b.pattern().patternType()
                          + " "
                          + b.entry().operation()
                          + " "
                          + b.entry().permissionType()));
    }
    return acls;
  }

  @Test
  void aWrongPasswordFailsAuthenticationAndSaysSo() {
    ConclaveSettings wrong = as("research", "not-the-password");
    Map<String, Object> config =
        ClientConfigs.admin(wrong.kafka(), "wrong-password", 10_000, 5_000);
    try (Admin a = Admin.create(config)) {
      assertThatThrownBy(() -> a.describeCluster().clusterId().get())
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(SaslAuthenticationException.class)
          .hasMessageContaining("invalid credentials with SASL mechanism SCRAM-SHA-512");
    }
  }
}
