package io.conclave.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.runtime.config.ConclaveSettings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The options every command takes for its cluster (--bootstrap-server, --registry-url,
 * --command-config): where they may stand, and what the clients get from them.
 */
class ClusterOptionsTest {
  private static Map<String, String> clusterOf(String... args) {
    CommandLine cli = ConclaveCli.commandLine(ConclaveCli.benchElsewhere());
    cli.parseArgs(args);
    return ((ConclaveCli) cli.getCommand()).cluster.systemProperties();
  }

  @Test
  void theFlagsAreTakenBeforeAfterOrDeepInsideAnyCommand() {
    assertThat(clusterOf("worker", "--bootstrap-server", "k1:9092", "--registry-url", "http://r"))
        .containsEntry("conclave.kafka.bootstrap-servers", "k1:9092")
        .containsEntry("conclave.registry.url", "http://r");
    assertThat(clusterOf("--bootstrap-server", "k2:9092", "saga", "list"))
        .containsEntry("conclave.kafka.bootstrap-servers", "k2:9092");
    assertThat(
            clusterOf(
                "groups",
                "reset",
                "--group",
                "g",
                "--topic",
                "tasks",
                "--to-offset",
                "0",
                "--bootstrap-server",
                "k3:9092"))
        .containsEntry("conclave.kafka.bootstrap-servers", "k3:9092");
    assertThat(clusterOf("dead-letters", "list")).isEmpty();
  }

  @Test
  void theCommandConfigSecuresEveryClientAndTheFlagsWinOverItAndOverTheEnvironment(
      @TempDir Path dir) throws Exception {
    // Given: a Kafka client properties file as Kafka's tools take it
    Path config = dir.resolve("client.properties");
    Files.writeString(
        config,
        String.join(
            "\n",
            "bootstrap.servers=from-file:9093",
            "security.protocol=SASL_SSL",
            "sasl.mechanism=SCRAM-SHA-256",
            "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required "
                + "username=\"ops\" password=\"s3cret\";",
            "ssl.truststore.location=/etc/conclave/ca.p12",
            "ssl.truststore.password=trust",
            "client.id=ops-cli"));

    // When: given with a flag, and the environment naming another cluster
    Map<String, String> props =
        clusterOf(
            "--command-config",
            config.toString(),
            "--bootstrap-server",
            "flag:9092",
            "saga",
            "list");
    ConclaveSettings settings =
        ConclaveSettings.from(Map.of("KAFKA_BOOTSTRAP_SERVERS", "env:9092"), new HashMap<>(props));

    // Then: the flag wins over the file and the environment; the file's security reaches the
    // clients
    Map<String, Object> client = settings.kafka().clientProperties();
    assertThat(client)
        .containsEntry("bootstrap.servers", "flag:9092")
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("sasl.mechanism", "SCRAM-SHA-256")
        .containsEntry("ssl.truststore.location", "/etc/conclave/ca.p12")
        .containsEntry("ssl.truststore.password", "trust")
        .containsEntry("client.id", "ops-cli");
    assertThat(client.get("sasl.jaas.config").toString())
        .contains("ScramLoginModule", "username=\"ops\"", "password=\"s3cret\"");
    // without the flag, the file's bootstrap servers win over the environment
    assertThat(
            ConclaveSettings.from(
                    Map.of("KAFKA_BOOTSTRAP_SERVERS", "env:9092"),
                    new HashMap<>(clusterOf("--command-config", config.toString(), "saga", "list")))
                .bootstrapServers())
        .isEqualTo("from-file:9093");
  }

  @Test
  void aCommandConfigConclaveCannotTakeIsABadUsageAndChangesNothing(@TempDir Path dir)
      throws Exception {
    Path kerberos = dir.resolve("kerberos.properties");
    Files.writeString(
        kerberos,
        "security.protocol=SASL_PLAINTEXT\nsasl.jaas.config=com.sun.security.auth.module.Krb5LoginModule required;\n");
    StringWriter err = new StringWriter();
    CommandLine cli = ConclaveCli.commandLine(ConclaveCli.benchElsewhere());
    cli.setErr(new PrintWriter(err));

    int code = cli.execute("--command-config", kerberos.toString(), "completion");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("ScramLoginModule or the PlainLoginModule");
    assertThat(cli.execute("--command-config", dir.resolve("missing").toString(), "completion"))
        .isEqualTo(2);
    assertThat(System.getProperty("conclave.kafka.security-protocol")).isNull();
  }

  @Test
  void theFlagsAreSystemPropertiesForTheCommandsRunOnly() {
    PrintStream out = System.out;
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
    int code;
    try {
      code =
          ConclaveCli.commandLine(ConclaveCli.benchElsewhere())
              .execute("completion", "--bootstrap-server", "only-now:9092");
    } finally {
      System.setOut(out);
    }
    assertThat(code).isZero();
    assertThat(System.getProperty("conclave.kafka.bootstrap-servers")).isNull();
  }

  @Test
  void theCompletionScriptKnowsEveryCommandAndTheGlobalFlags() {
    PrintStream out = System.out;
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
    try {
      assertThat(ConclaveCli.commandLine(ConclaveCli.benchElsewhere()).execute("completion"))
          .isZero();
    } finally {
      System.setOut(out);
    }
    String script = printed.toString(StandardCharsets.UTF_8);
    assertThat(script)
        .contains("complete -F _complete_conclave")
        .contains(
            "worker",
            "coordinator",
            "projections",
            "dev",
            "saga",
            "dead-letters",
            "groups",
            "decisions",
            "completion",
            "--bootstrap-server",
            "--command-config",
            "--execute");
  }
}
