package io.conclave.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.strings;

import io.conclave.model.cluster.TaskSubmission;
import io.conclave.model.saga.SagaStep;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * The offline planner must give the same plan for the same task, so that replays and tests are
 * reproducible.
 */
class OfflinePlannerTest {
  private static final Instant AT = Instant.parse("2024-05-01T10:00:00Z");
  private static final Gen<String> PROMPTS =
      strings()
          .basicMultilingualPlaneAlphabet()
          .ofLengthBetween(1, 200)
          .assuming(s -> !s.isBlank());
  private final Planner planner = new OfflinePlanner();

  @Test
  void everyTaskBecomesResearchThenAnalysisThenWritingWithCompensations() {
    // given
    var task = new TaskSubmission("task-1", "compare llamas and alpacas", AT);

    // when
    List<SagaStep> plan = planner.plan(task);

    // then
    assertThat(plan)
        .containsExactly(
            new SagaStep(
                "research", "gather", "find sources for: compare llamas and alpacas", "discard"),
            new SagaStep("analysis", "analyze", "weigh the sources", "retract"),
            new SagaStep("write", "draft", "write the answer", "unpublish"));
  }

  @Test
  void thePlanIsAFunctionOfTheTask() {
    qt().withExamples(1000)
        .forAll(PROMPTS)
        .checkAssert(
            prompt -> {
              // given
              var task = new TaskSubmission("task-1", prompt, AT);

              // when
              List<SagaStep> first = planner.plan(task);
              List<SagaStep> second =
                  new OfflinePlanner().plan(new TaskSubmission("task-1", prompt, AT));

              // then
              assertThat(second).isEqualTo(first);
              assertThat(first)
                  .extracting(SagaStep::agentType)
                  .containsExactly("research", "analysis", "write");
              assertThat(first)
                  .extracting(SagaStep::compensation)
                  .allSatisfy(c -> assertThat(c).isNotBlank());
              assertThat(first.get(0).input()).isEqualTo("find sources for: " + prompt);
            });
  }
}
