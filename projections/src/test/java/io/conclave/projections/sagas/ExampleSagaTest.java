package io.conclave.projections.sagas;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.model.saga.SagaStep;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The example saga of the README's tour and of docs/architecture.md ({@code examples/saga.yaml}) is
 * one POST /sagas accepts.
 */
class ExampleSagaTest {
  @Test
  void theExampleSagaReadsAsTheReadmeDescribesIt() throws Exception {
    // when
    SagaRequest request = SagaRequest.fromYaml(Files.readString(Path.of("../examples/saga.yaml")));

    // then
    var steps = request.saga().steps();
    assertThat(steps)
        .extracting(s -> s.agentType() + "." + s.action())
        .containsExactly(
            "research.gather",
            "analysis.analyze",
            "write.outline",
            "approval.editor-sign-off",
            "write.draft");
    assertThat(steps)
        .extracting(SagaStep::parallel)
        .containsExactly(false, false, true, false, false);
    assertThat(steps.get(3).isApproval()).as("approvals/3 in docs/architecture.md").isTrue();
  }
}
