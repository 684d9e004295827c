package io.conclave.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.conclave.model.cluster.TaskSubmission;
import io.conclave.model.saga.SagaStep;
import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.runtime.env.EnvironmentLookup;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlannersTest {
  private static final ConclaveSettings SETTINGS = ConclaveSettings.from(Map.of(), Map.of());
  private static final TaskSubmission TASK =
      new TaskSubmission("t-1", "why is the sky blue?", Instant.parse("2026-12-07T10:00:00Z"));

  /** A planner registered under "single" that plans one research step. */
  static final class Single implements PlannerProvider {
    @Override
    public String name() {
      return "single";
    }

    @Override
    public Planner planner(ConclaveSettings settings, EnvironmentLookup env) {
      return task -> List.of(new SagaStep("research", "gather", task.prompt(), "discard"));
    }
  }

  private static EnvironmentLookup planner(String name) {
    return new EnvironmentLookup(Map.of("CONCLAVE_COORDINATOR_PLANNER", name), Map.of());
  }

  @Test
  void theOfflinePlannerIsRegisteredAndTheDefault() {
    Planner planner =
        Planners.fromClassPath(getClass().getClassLoader())
            .select(SETTINGS, new EnvironmentLookup(Map.of(), Map.of()));

    assertThat(planner.plan(TASK)).isEqualTo(new OfflinePlanner().plan(TASK));
  }

  @Test
  void theLlmPlannerIsRegistered() {
    Planner planner =
        Planners.fromClassPath(getClass().getClassLoader()).select(SETTINGS, planner("llm"));

    assertThat(planner).isInstanceOf(LlmPlanner.class);
  }

  @Test
  void theSettingChoosesThePlannerByName() {
    Planners planners = new Planners(List.of(new OfflinePlanner.Provider(), new Single()));

    assertThat(planners.select(SETTINGS, planner("single")).plan(TASK))
        .extracting(SagaStep::agentType)
        .containsExactly("research");
    assertThat(planners.select(SETTINGS, planner("offline")).plan(TASK))
        .extracting(SagaStep::agentType)
        .containsExactly("research", "analysis", "write");
  }

  @Test
  void aNameNoProviderHasIsRefusedNamingThoseThereAre() {
    Planners planners = new Planners(List.of(new Single(), new OfflinePlanner.Provider()));

    assertThatThrownBy(() -> planners.select(SETTINGS, planner("llm")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "no planner named 'llm' on the class path (conclave.coordinator.planner); the planners"
                + " there: offline, single");
  }

  @Test
  void twoProvidersOfOneNameAreRefused() {
    Planners planners = new Planners(List.of(new Single(), new Single()));

    assertThatThrownBy(() -> planners.select(SETTINGS, planner("single")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("2 planners named 'single' on the class path");
  }
}
