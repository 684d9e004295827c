package io.conclave.model.cluster;

import io.conclave.model.Require;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One saga step re-run by the current code of its agent over the model answers recorded in the
 * agent's log, with side effects off; written to the shadow topic, never to the real ones.
 *
 * @param agentId the agent whose recorded log (state before the step, model answers) was used
 * @param recordedOutput the step's recorded output; empty if the step had failed
 * @param redrivenOutput the re-run's output; empty if it did not complete
 * @param error why the re-run failed or did not complete, if it did not
 * @param decisions {@code kind: payload} of each decision the re-run would have appended
 * @param modelCalls model calls the re-run made, each answered from the recording
 * @param promptMismatches of those, calls whose prompt differed from the recorded one
 * @param skippedEffects side effects the re-run asked for and did not perform
 */
public record RedrivenStep(
    String redriveId,
    String sagaId,
    int stepIndex,
    String agentId,
    Outcome outcome,
    Optional<String> recordedOutput,
    Optional<String> redrivenOutput,
    Optional<String> error,
    List<String> decisions,
    int modelCalls,
    int promptMismatches,
    List<String> skippedEffects,
    Instant at) {
  /** How the re-run compares with the recording. */
  public enum Outcome {
    /** The step ended as recorded (same output, or failed as it had). */
    SAME,
    /** The step ended otherwise than recorded. */
    DIFFERENT,
    /**
     * The re-run could not complete (it threw, or asked the model more than the recording answers).
     */
    FAILED
  }

  public RedrivenStep {
    Require.text(redriveId, "redriveId");
    Require.text(sagaId, "sagaId");
    Require.notNegative(stepIndex, "stepIndex");
    Require.id(agentId, "agentId");
    Require.present(outcome, "outcome");
    Require.present(recordedOutput, "recordedOutput");
    Require.present(redrivenOutput, "redrivenOutput");
    Require.present(error, "error");
    decisions = List.copyOf(decisions);
    Require.notNegative(modelCalls, "modelCalls");
    Require.notNegative(promptMismatches, "promptMismatches");
    skippedEffects = List.copyOf(skippedEffects);
    Require.present(at, "at");
  }
}
