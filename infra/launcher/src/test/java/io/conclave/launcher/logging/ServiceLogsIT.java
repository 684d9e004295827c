package io.conclave.launcher.logging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.conclave.launcher.harness.Cli;
import io.conclave.launcher.harness.Http;
import io.conclave.launcher.harness.PackagedClassPath;
import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.testkit.ConclaveStack;
import io.conclave.testkit.ConclaveStackExtension;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every service logs on the class path it is packaged with (one SLF4J provider, one logback
 * configuration): a line of text by default, a JSON object with {@code CONCLAVE_LOG_FORMAT=json},
 * and nothing of SLF4J's or logback's own before it. The CLI's standard output is its answer alone,
 * whether the broker answers or not.
 */
@ExtendWith(ConclaveStackExtension.class)
class ServiceLogsIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @ParameterizedTest
  @CsvSource({
    "coordinator, io.conclave.coordinator.Coordinator, text",
    "coordinator, io.conclave.coordinator.Coordinator, json",
    "agent-worker/engine, io.conclave.worker.AgentWorker, text",
    "agent-worker/engine, io.conclave.worker.AgentWorker, json",
    "projections, io.conclave.projections.ProjectionsApplication, text",
    "projections, io.conclave.projections.ProjectionsApplication, json",
  })
  void aServiceWritesALogLineFirst(String module, String main, String format) throws Exception {
    // Given: no broker nor registry where the service looks
    List<String> cmd =
        new ArrayList<>(List.of(java(), "-Xmx256m", "-cp", PackagedClassPath.of(module)));
    cmd.addAll(unreachable().asSystemProperties());
    cmd.add("-Dconclave.http.port=0");
    cmd.add(main);
    ProcessBuilder builder =
        new ProcessBuilder(cmd)
            .directory(Files.createTempDirectory("conclave-logs").toFile())
            .redirectErrorStream(true);
    builder.environment().put("CONCLAVE_LOG_FORMAT", format);

    // When
    Process service = builder.start();
    String first;
    try (var out =
        new BufferedReader(
            new InputStreamReader(service.getInputStream(), StandardCharsets.UTF_8))) {
      first = out.readLine();
    } finally {
      service.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }

    // Then: its first line, on standard output or error, is one of its log lines
    assertThat(first).as("the first line of %s", module).isNotNull();
    if (format.equals("json")) {
      JsonNode line = JSON.readTree(first);
      assertThat(line.path("level").asText()).as(first).isIn("INFO", "WARN", "ERROR");
      assertThat(line.path("formattedMessage").isTextual()).as(first).isTrue();
    } else {
      assertThat(first).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} (INFO |WARN |ERROR) \\[.*");
    }
  }

  @Test
  void theCliPrintsNothingButItsErrorWhenTheBrokerIsAway() throws Exception {
    Cli.Result submitted =
        Cli.run(
            PackagedClassPath.of("infra/launcher"),
            unreachable(),
            List.of(),
            "task",
            "submit",
            "--json",
            "a",
            "question");

    assertThat(submitted.exitCode()).isNotZero();
    assertThat(submitted.out()).as(submitted.err()).isEmpty();
    assertThat(submitted.err()).doesNotContain("SLF4J", "ch.qos.logback");
  }

  @Test
  void theCliPrintsOneJsonAnswer(ConclaveStack stack) throws Exception {
    ConclaveSettings settings = stack.isolated("cli-json");

    Cli.Result submitted =
        Cli.run(
            PackagedClassPath.of("infra/launcher"),
            settings,
            List.of(),
            "task",
            "submit",
            "--id",
            "json-1",
            "--json",
            "a",
            "question");

    assertThat(submitted.exitCode()).as(submitted.err()).isZero();
    assertThat(submitted.out()).as(submitted.err()).hasSize(1);
    assertThat(JSON.readTree(submitted.out().get(0)).path("taskId").asText()).isEqualTo("json-1");
  }

  /** Settings whose broker and registry are ports nothing listens on. */
  private static ConclaveSettings unreachable() throws Exception {
    return ConclaveSettings.from(Map.of(), Map.of())
        .withEndpoints(
            "127.0.0.1:" + Http.freePort(),
            "http://127.0.0.1:" + Http.freePort() + "/apis/registry/v2");
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}
