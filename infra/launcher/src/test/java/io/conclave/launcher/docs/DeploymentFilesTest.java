package io.conclave.launcher.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deployment files (deploy/compose.yaml, deploy/k8s/*.yaml, deploy/docker/Dockerfile) agree
 * with the code: the machines that build Conclave have no Docker, so nothing runs them; {@link
 * DeploymentFiles} checks them instead, and the tests below show that it catches each kind of
 * mistake in a copy of the files.
 */
class DeploymentFilesTest {
  private static final Path ROOT = SourceTree.root();
  private static final Path DEPLOY = ROOT.resolve("deploy");

  @TempDir Path copy;

  @Test
  void theDeploymentFilesAgreeWithTheCode() {
    assertThat(DeploymentFiles.problems(ROOT, DEPLOY)).isEmpty();
  }

  @Test
  void aSettingNoServiceReadsIsNamed() throws IOException {
    // given: a typo in the compose file's shared settings, and one in a manifest
    edit("compose.yaml", s -> s.replace("CONCLAVE_PARTITIONS: 6", "CONCLAVE_PARTITONS: 6"));
    edit(
        "k8s/projections.yaml",
        s -> s.replace("name: CONCLAVE_STATE_DIR", "name: CONCLAVE_STATE_DIRECTORY"));

    // when
    List<String> problems = DeploymentFiles.problems(ROOT, copy);

    // then
    assertThat(problems)
        .anySatisfy(p -> assertThat(p).contains("service coordinator", "CONCLAVE_PARTITONS"))
        .anySatisfy(p -> assertThat(p).contains("service worker", "CONCLAVE_PARTITONS"))
        .anySatisfy(
            p -> assertThat(p).contains("conclave-projections", "CONCLAVE_STATE_DIRECTORY"));
  }

  @Test
  void aSettingOfAnotherServiceIsNamed() throws IOException {
    // given: the remote agents are the workers' setting; the coordinator never reads it
    edit(
        "compose.yaml",
        s ->
            s.replace(
                "      JAVA_TOOL_OPTIONS: -Xmx256m\n      # /health/readiness (503",
                "      JAVA_TOOL_OPTIONS: -Xmx256m -Dconclave.no-such=1\n      CONCLAVE_WORKER_REMOTE_AGENTS: a=http://x\n"
                    + "      # /health/readiness (503"));

    // when
    List<String> problems = DeploymentFiles.problems(ROOT, copy);

    // then
    assertThat(problems)
        .containsExactlyInAnyOrder(
            "compose.yaml service coordinator: CONCLAVE_WORKER_REMOTE_AGENTS is no setting coordinator reads",
            "compose.yaml service coordinator: -Dconclave.no-such is no setting coordinator reads");
  }

  @Test
  void anImageOfNoModuleOrMainClassIsNamed() throws IOException {
    // given
    edit(
        "compose.yaml",
        s ->
            s.replace("MODULE: coordinator", "MODULE: coordinatr")
                .replace("io.conclave.worker.AgentWorker", "io.conclave.worker.Worker"));
    edit("k8s/init-job.yaml", s -> s.replace("image: conclave/cli", "image: conclave/admin"));

    // when
    List<String> problems = DeploymentFiles.problems(ROOT, copy);

    // then
    assertThat(problems)
        .anySatisfy(p -> assertThat(p).contains("coordinatr is no Maven module"))
        .anySatisfy(
            p ->
                assertThat(p)
                    .contains("io.conclave.worker.Worker is no main class of agent-worker/engine"))
        .anySatisfy(p -> assertThat(p).contains("conclave/admin is built by no service"));
  }

  @Test
  void aProbeOfAPathNotServedAndAMissingSecretAreNamed() throws IOException {
    // given
    edit("k8s/projections.yaml", s -> s.replace("path: /health/readiness", "path: /ready"));
    edit("k8s/worker.yaml", s -> s.replace("path: /health/liveness,", "path: /healthz,"));
    edit(
        "k8s/coordinator.yaml",
        s -> s.replace("key: coordinator-password", "key: coordinator-pasword"));

    // when
    List<String> problems = DeploymentFiles.problems(ROOT, copy);

    // then
    assertThat(problems)
        .anySatisfy(p -> assertThat(p).contains("readinessProbe asks /ready"))
        .anySatisfy(p -> assertThat(p).contains("conclave-worker", "livenessProbe asks /healthz"))
        .anySatisfy(p -> assertThat(p).contains("KAFKA_SASL_PASSWORD", "coordinator-pasword"));
  }

  @Test
  void anUnknownDependencyAndBrokersRefusingConclavesSettingsAreNamed() throws IOException {
    // given
    edit(
        "compose.yaml",
        s ->
            s.replace("depends_on: [controller]", "depends_on: [kraft-controller]")
                .replace(
                    "KAFKA_GROUP_MIN_SESSION_TIMEOUT_MS: 100",
                    "KAFKA_GROUP_MIN_SESSION_TIMEOUT_MS: 6000")
                .replace("CONCLAVE_REPLICATION_FACTOR: 3", "CONCLAVE_REPLICATION_FACTOR: 4"));

    // when
    List<String> problems = DeploymentFiles.problems(ROOT, copy);

    // then
    assertThat(problems)
        .anySatisfy(
            p -> assertThat(p).contains("kafka-1: depends_on names no service: kraft-controller"))
        .anySatisfy(p -> assertThat(p).contains("kafka-3: KAFKA_GROUP_MIN_SESSION_TIMEOUT_MS 6000"))
        .anySatisfy(
            p ->
                assertThat(p)
                    .contains("service init: CONCLAVE_REPLICATION_FACTOR 4 with 3 brokers"));
  }

  @Test
  void aPodThatIsNotRestrictedIsNamed() throws IOException {
    // given: the coordinator's container may escalate and keeps its capabilities, the worker's pod
    // runs as whatever user the image names, and the job's root filesystem is writable
    edit(
        "k8s/coordinator.yaml",
        s ->
            s.replace("allowPrivilegeEscalation: false", "allowPrivilegeEscalation: true")
                .replace("capabilities: {drop: [ALL]}", "capabilities: {drop: [NET_RAW]}"));
    edit(
        "k8s/worker.yaml",
        s ->
            s.replace("        runAsUser: 10001\n", "")
                .replace("seccompProfile: {type: RuntimeDefault}", "seccompProfile: {}"));
    edit(
        "k8s/init-job.yaml",
        s -> s.replace("readOnlyRootFilesystem: true", "readOnlyRootFilesystem: false"));

    // when
    List<String> problems = DeploymentFiles.problems(ROOT, copy);

    // then
    assertThat(problems)
        .containsExactlyInAnyOrder(
            "k8s/coordinator.yaml Deployment conclave-coordinator container coordinator:"
                + " allowPrivilegeEscalation is not false",
            "k8s/coordinator.yaml Deployment conclave-coordinator container coordinator:"
                + " capabilities do not drop ALL",
            "k8s/worker.yaml Deployment conclave-worker container worker: runAsUser is no numeric"
                + " id other than root's: null",
            "k8s/worker.yaml Deployment conclave-worker container worker: seccompProfile type is"
                + " null, not RuntimeDefault",
            "k8s/init-job.yaml Job conclave-init container init: readOnlyRootFilesystem is not"
                + " true");
  }

  @Test
  void aWritablePlaceOnNoEmptyDirAndARequiredCaVolumeAreNamed() throws IOException {
    // given: the projections' /tmp and state directory are on the read-only root, and the worker
    // waits for a CA a PLAINTEXT cluster does not have
    edit(
        "k8s/projections.yaml",
        s ->
            s.replace("            - {name: tmp, mountPath: /tmp}\n", "")
                .replace("value: /var/lib/conclave", "value: /var/lib/conclave-streams"));
    edit(
        "k8s/worker.yaml",
        s ->
            s.replace(
                "secret: {secretName: conclave-kafka-ca, optional: true}",
                "secret: {secretName: conclave-kafka-ca}"));

    // when
    List<String> problems = DeploymentFiles.problems(ROOT, copy);

    // then
    assertThat(problems)
        .containsExactlyInAnyOrder(
            "k8s/projections.yaml Deployment conclave-projections container projections: no"
                + " emptyDir at /tmp, where the JVM writes on a read-only root",
            "k8s/projections.yaml Deployment conclave-projections container projections: the"
                + " Kafka Streams state directory /var/lib/conclave-streams is on no emptyDir: the"
                + " root filesystem is read-only",
            "k8s/worker.yaml Deployment conclave-worker: volume tls (Secret conclave-kafka-ca) is"
                + " not optional: without that Secret (a PLAINTEXT cluster has no CA) the pod never"
                + " starts");
  }

  @Test
  void aDeploymentWithoutSpreadOrDisruptionBudgetAndAReadinessOfTheWholeHealthAreNamed()
      throws IOException {
    // given: the coordinators spread over nodes only and have no budget; the projections are
    // ready by /health, which counts the schema registry
    edit(
        "k8s/coordinator.yaml",
        s ->
            s.replace("topologyKey: topology.kubernetes.io/zone", "topologyKey: example.com/rack")
                .replace("kind: PodDisruptionBudget", "kind: ResourceQuota"));
    edit(
        "k8s/projections.yaml",
        s ->
            s.replace(
                "readinessProbe:\n            httpGet: {path: /health/readiness, port: http}",
                "readinessProbe:\n            httpGet: {path: /health, port: http}"));

    // when
    List<String> problems = DeploymentFiles.problems(ROOT, copy);

    // then
    assertThat(problems)
        .containsExactlyInAnyOrder(
            "k8s/coordinator.yaml Deployment conclave-coordinator: no topologySpreadConstraint of"
                + " its pods over topology.kubernetes.io/zone",
            "k8s/coordinator.yaml Deployment conclave-coordinator: no PodDisruptionBudget selects"
                + " its pods",
            "k8s/projections.yaml Deployment conclave-projections container projections: behind a"
                + " Service, its readinessProbe asks /health, not /health/readiness (/health counts"
                + " the schema registry, whose outage would take every instance out of the"
                + " Service)");
  }

  @Test
  void aSecretWithValuesInAnAppliedFileAndAManifestKustomizeLeavesOutAreNamed() throws IOException {
    // given: the placeholder Secret of old back in config.yaml, and a manifest -k does not apply
    edit(
        "k8s/config.yaml",
        s ->
            s
                + "---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: conclave-extra\n"
                + "stringData:\n  coordinator-password: change-me\n  empty: \"\"\n");
    edit("k8s/kustomization.yaml", s -> s.replace("  - worker.yaml\n", ""));

    // when
    List<String> problems = DeploymentFiles.problems(ROOT, copy);

    // then
    assertThat(problems)
        .containsExactlyInAnyOrder(
            "k8s/config.yaml Secret conclave-extra: an applied file holds values of"
                + " [coordinator-password]; make the Secret with kustomization.yaml's"
                + " secretGenerator from a file the user writes",
            "k8s/kustomization.yaml: k8s/worker.yaml is not among the resources: -k leaves it out");
  }

  @Test
  void aGeneratedSecretWithoutExampleOrKeyIsNamed() throws IOException {
    // given: the API secret's example is gone, and the Kafka one lacks the worker's password
    edit("k8s/secrets/kafka.env.example", s -> s.replace("worker-password=\n", ""));
    Files.delete(copy.resolve("k8s/secrets/api.env.example"));

    // when
    List<String> problems = DeploymentFiles.problems(ROOT, copy);

    // then: the key the worker reads is missing, and so is every key of conclave-api
    assertThat(problems)
        .contains(
            "k8s/kustomization.yaml secretGenerator conclave-api: no secrets/api.env.example names"
                + " the keys a user must write in secrets/api.env")
        .anySatisfy(
            p ->
                assertThat(p)
                    .contains("conclave-worker", "KAFKA_SASL_PASSWORD", "key worker-password"))
        .anySatisfy(
            p -> assertThat(p).contains("conclave-projections", "CONCLAVE_API_TOKENS", "tokens"));
  }

  @Test
  void aDockerfileBuildingInsideOnAFixedBaseAsRootIsNamed() throws IOException {
    // given: today's layout undone, a build inside the image from the whole context
    edit(
        "docker/Dockerfile",
        s ->
            s.replace("FROM ${BASE_IMAGE}", "FROM eclipse-temurin:17-jre\nCOPY . /src\nCOPY . .")
                .replace("USER 10001:10001", "RUN mvn -B -q package\nUSER conclave"));
    edit("docker/Dockerfile.kafka", s -> s.replace("USER 10001:10001\n", ""));

    // when
    List<String> problems = DeploymentFiles.problems(ROOT, copy);

    // then
    assertThat(problems)
        .containsExactlyInAnyOrder(
            "docker/Dockerfile: the base image is no build argument (ARG BASE_IMAGE=... then FROM ${BASE_IMAGE})",
            "docker/Dockerfile: the image runs as conclave, not a numeric USER",
            "docker/Dockerfile: COPY . copies the whole context; copy the jars Maven staged",
            "docker/Dockerfile: runs Maven inside the image build; copy the jars Maven staged",
            "docker/Dockerfile.kafka: the image runs as root, not a numeric USER");
  }

  @Test
  void aRegistryWithoutHealthCheckAFixedImageAndABrokerTheHostCannotReachAreNamed()
      throws IOException {
    // given
    edit(
        "compose.yaml",
        s ->
            s.replace(
                    "    healthcheck:\n      test: [\"CMD\", \"bash\", \"-c\", \"exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /health/ready",
                    "    x-healthcheck:\n      test: [\"CMD\", \"bash\", \"-c\", \"exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /health/ready")
                .replace(
                    "image: ${REGISTRY_IMAGE:-apicurio/apicurio-registry-mem:2.4.2.Final}",
                    "image: apicurio/apicurio-registry-mem:2.4.2.Final")
                .replace(
                    "PLAINTEXT://kafka-2:9092,HOST://localhost:19093", "PLAINTEXT://kafka-2:9092")
                .replace("ports: [\"19094:19094\"]", "ports: [\"29094:19094\"]"));

    // when
    List<String> problems = DeploymentFiles.problems(ROOT, copy);

    // then
    String unreachable =
        ": no advertised listener on localhost with a published port: clients on the host cannot reach it";
    assertThat(problems)
        .containsExactlyInAnyOrder(
            "compose.yaml service registry: image apicurio/apicurio-registry-mem:2.4.2.Final is no variable"
                + " with a default (${NAME:-apicurio/apicurio-registry-mem:2.4.2.Final})",
            "compose.yaml service registry: the registry has no healthcheck",
            "compose.yaml service kafka-2" + unreachable,
            "compose.yaml service kafka-3" + unreachable);
  }

  /**
   * A copy of deploy/ with one file changed; the change must apply, or the test would pass for
   * nothing.
   */
  private void edit(String file, UnaryOperator<String> change) throws IOException {
    if (!Files.exists(copy.resolve("compose.yaml"))) {
      try (Stream<Path> files = Files.walk(DEPLOY)) {
        for (Path f : files.toList()) {
          Path target = copy.resolve(DEPLOY.relativize(f).toString());
          if (Files.isDirectory(f)) {
            Files.createDirectories(target);
          } else {
            Files.copy(f, target);
          }
        }
      }
    }
    Path target = copy.resolve(file);
    String before = Files.readString(target);
    String after = change.apply(before);
    assertThat(after).as("the edit of " + file).isNotEqualTo(before);
    Files.writeString(target, after);
  }
}
