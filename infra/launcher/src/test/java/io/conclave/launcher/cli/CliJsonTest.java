package io.conclave.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.conclave.launcher.saga.RedriveCommand;
import io.conclave.launcher.security.AclsCommand;
import io.conclave.model.cluster.RedrivenStep;
import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.runtime.provisioning.KafkaAcls;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The {@code --json} answers whose shape is built without a broker: a re-drive's reports, a
 * component's ACLs.
 */
class CliJsonTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static RedrivenStep step(
      int index, RedrivenStep.Outcome outcome, Optional<String> redriven, Optional<String> error) {
    return new RedrivenStep(
        "redrive-1",
        "saga-t-1",
        index,
        "research-0",
        outcome,
        Optional.of("recorded"),
        redriven,
        error,
        List.of("step_completed: recorded"),
        1,
        0,
        List.of(),
        Instant.parse("2026-12-03T07:00:00Z"));
  }

  @Test
  void aReDriveAnswersEachReportWithAnAbsentValueAsNullAndCountsTheStepsThatEndedAsRecorded()
      throws Exception {
    // given
    var same = step(0, RedrivenStep.Outcome.SAME, Optional.of("recorded"), Optional.empty());
    var failed =
        step(
            1, RedrivenStep.Outcome.FAILED, Optional.empty(), Optional.of("asked the model twice"));

    // when
    JsonNode answer =
        JSON.readTree(
            CliJson.line(
                RedriveCommand.Redriven.of(
                    "redrive-1", "saga-t-1", "conclave.shadow", List.of(same, failed))));

    // then
    assertThat(answer.path("same").asInt()).isEqualTo(1);
    assertThat(answer.path("shadowTopic").asText()).isEqualTo("conclave.shadow");
    JsonNode first = answer.path("steps").get(0);
    assertThat(first.path("redrivenOutput").asText()).isEqualTo("recorded");
    assertThat(first.path("error").isNull()).as(first.toString()).isTrue();
    assertThat(first.path("at").asText()).isEqualTo("2026-12-03T07:00:00Z");
    JsonNode second = answer.path("steps").get(1);
    assertThat(second.path("outcome").asText()).isEqualTo("FAILED");
    assertThat(second.path("redrivenOutput").isNull()).as(second.toString()).isTrue();
    assertThat(second.path("error").asText()).isEqualTo("asked the model twice");
  }

  @Test
  void aComponentsAclsAnswerInKafkasWordsWithTheirKafkaAclsArguments() throws Exception {
    // given
    ConclaveSettings settings = ConclaveSettings.from(Map.of(), Map.of());
    var worker = KafkaAcls.Component.of("worker", "research");
    var bindings = KafkaAcls.bindings(worker, settings, "User:research");

    // when
    JsonNode answer =
        JSON.readTree(
            CliJson.line(AclsCommand.Acls.of("worker", worker, "User:research", false, bindings)));
    JsonNode projections =
        JSON.readTree(
            CliJson.line(
                AclsCommand.Acls.of(
                    "projections",
                    KafkaAcls.Component.of("projections", null),
                    "User:projections",
                    false,
                    List.of())));

    // then
    assertThat(answer.path("agentType").asText()).isEqualTo("research");
    assertThat(answer.path("applied").asBoolean()).isFalse();
    assertThat(answer.path("acls")).hasSize(bindings.size());
    assertThat(answer.path("acls"))
        .anySatisfy(
            acl -> {
              assertThat(acl.path("resourceType").asText()).isEqualTo("TOPIC");
              assertThat(acl.path("resourceName").asText())
                  .isEqualTo(settings.topics().commands("research"));
              assertThat(acl.path("patternType").asText()).isEqualTo("LITERAL");
              assertThat(acl.path("operation").asText()).isEqualTo("READ");
              assertThat(acl.path("permission").asText()).isEqualTo("ALLOW");
              assertThat(acl.path("kafkaAcls").asText())
                  .isEqualTo(
                      "--allow-principal User:research --operation Read "
                          + "--topic "
                          + settings.topics().commands("research"));
            });
    assertThat(projections.path("agentType").isNull()).as(projections.toString()).isTrue();
  }
}
