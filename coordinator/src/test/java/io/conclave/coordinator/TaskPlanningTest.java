package io.conclave.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.model.cluster.TaskSubmission;
import io.conclave.model.saga.RegisteredSaga;
import io.conclave.model.saga.SagaDefinition;
import io.conclave.model.saga.SagaStep;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TaskPlanningTest {
  private static final List<String> TYPES = List.of("research", "analysis", "write");
  private static final Instant AT = Instant.parse("2026-01-01T00:00:00Z");
  private static final List<SagaStep> REPORT =
      List.of(new SagaStep("research", "gather", "", "discard"));

  private static SortedMap<String, RegisteredSaga> registered(String name, List<SagaStep> steps) {
    var all = new TreeMap<String, RegisteredSaga>();
    all.put(name, new RegisteredSaga(name, new SagaDefinition(steps), AT));
    return all;
  }

  @Test
  void aTaskNamingADefinitionRunsIt() {
    TaskSubmission task = TaskSubmission.naming("t", "p", AT, "default", "report");

    Planning planning =
        TaskPlanning.plan(task, new OfflinePlanner(), () -> registered("report", REPORT), TYPES);

    assertThat(planning).isEqualTo(new Planning.Planned(REPORT, List.of()));
  }

  @Test
  void aTaskNamingAnUnknownDefinitionIsRefusedNamingTheRegisteredOnes() {
    TaskSubmission task = TaskSubmission.naming("t", "p", AT, "default", "essay");

    Planning planning =
        TaskPlanning.plan(task, new OfflinePlanner(), () -> registered("report", REPORT), TYPES);

    assertThat(((Planning.Refused) planning).reason())
        .isEqualTo("no saga definition named 'essay' is registered; the registered ones: [report]");
  }

  @Test
  void aDefinitionNamingAnAgentTypeNotRunHereIsRefused() {
    TaskSubmission task = TaskSubmission.naming("t", "p", AT, "default", "report");
    List<SagaStep> elsewhere = List.of(new SagaStep("translate", "render", "", "drop"));

    Planning planning =
        TaskPlanning.plan(task, new OfflinePlanner(), () -> registered("report", elsewhere), TYPES);

    assertThat(((Planning.Refused) planning).reason())
        .startsWith("the plan is refused")
        .contains("[translate]");
  }

  @Test
  void theDefinitionsAreNotReadForATaskTheOfflinePlannerPlans() {
    AtomicInteger reads = new AtomicInteger();

    Planning planning =
        TaskPlanning.plan(
            new TaskSubmission("t", "p", AT),
            new OfflinePlanner(),
            () -> {
              reads.incrementAndGet();
              return new TreeMap<>();
            },
            TYPES);

    assertThat(planning).isInstanceOf(Planning.Planned.class);
    assertThat(reads).hasValue(0);
  }

  @Test
  void aPlannerThatCannotPlanTheTaskRefusesIt() {
    Planner never =
        task -> {
          throw new IllegalArgumentException("the prompt asks for nothing");
        };

    Planning planning =
        TaskPlanning.plan(new TaskSubmission("t", "p", AT), never, TreeMap::new, TYPES);

    assertThat(((Planning.Refused) planning).reason())
        .isEqualTo("the planner cannot plan the task: the prompt asks for nothing");
  }

  @Test
  void aClientsPlanIsCheckedToo() {
    var task =
        new TaskSubmission(
            "t", "p", AT, Optional.of(List.of(new SagaStep("nobody", "x", "", "y"))));

    Planning planning = TaskPlanning.plan(task, new OfflinePlanner(), TreeMap::new, TYPES);

    assertThat(planning).isInstanceOf(Planning.Refused.class);
  }
}
