package io.conclave.projections.sagas;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.model.saga.LeaderStamp;
import io.conclave.model.saga.SagaEvent;
import io.conclave.model.saga.SagaState;
import io.conclave.model.saga.SagaState.StepStatus;
import io.conclave.model.saga.SagaStep;
import io.conclave.model.saga.StepPolicy;
import io.conclave.projections.runtime.JsonSerde;
import io.conclave.projections.tasks.StepView;
import io.micronaut.serde.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every {@link StepStatus} survives the saga store's JSON and shows by its name in {@link SagaView}
 * and {@link StepView}; a new status fails here until a history reaches it. The store's JSON of a
 * step is its record components, no more: a step's transitions are no part of it.
 */
class StepStatusViewTest {
  private static final Instant T0 = Instant.parse("2026-12-07T09:00:00Z");
  private static final List<SagaStep> PLAN =
      List.of(
          new SagaStep(
              "research",
              "gather",
              "",
              "discard",
              false,
              StepPolicy.DEFAULT.withTimeout(Duration.ofSeconds(10))),
          SagaStep.approval("editor", StepPolicy.DEFAULT.withTimeout(Duration.ofHours(4))));

  private static Map<StepStatus, List<SagaEvent>> historyReaching() {
    SagaEvent started =
        new SagaEvent.Started("saga-1", "task-1", 0, PLAN, "why?", new LeaderStamp(0, 1), T0);
    Map<StepStatus, List<SagaEvent>> h = new EnumMap<>(StepStatus.class);
    h.put(StepStatus.PENDING, List.of(started));
    h.put(StepStatus.RUNNING, List.of(started));
    h.put(
        StepStatus.HELD,
        List.of(
            started,
            new SagaEvent.DispatchHeld("saga-1", "task-1", 0, "research", T0.plusSeconds(1))));
    h.put(
        StepStatus.AWAITING_APPROVAL,
        List.of(
            started,
            new SagaEvent.StepCompleted(
                "saga-1", "task-1", 1, 0, "research", "notes", T0.plusSeconds(1))));
    h.put(
        StepStatus.COMPLETED,
        List.of(
            started,
            new SagaEvent.StepCompleted(
                "saga-1", "task-1", 1, 0, "research", "notes", T0.plusSeconds(1))));
    h.put(
        StepStatus.FAILED,
        List.of(
            started,
            new SagaEvent.StepFailed(
                "saga-1", "task-1", 1, 0, "research", "boom", T0.plusSeconds(1))));
    return h;
  }

  @ParameterizedTest
  @EnumSource(StepStatus.class)
  void everyStatusReadsBackFromTheStoreAndShowsByName(StepStatus status) {
    List<SagaEvent> history = historyReaching().get(status);
    assertThat(history).as("a history reaching %s", status).isNotNull();
    SagaState saga = SagaState.of(history);
    SagaState.StepState step =
        saga.steps().stream().filter(s -> s.status() == status).findFirst().orElseThrow();
    var serde = new JsonSerde<>(ObjectMapper.getDefault(), SagaState.class);

    SagaState read =
        serde.deserializer().deserialize("sagas", serde.serializer().serialize("sagas", saga));

    assertThat(read).isEqualTo(saga);
    assertThat(SagaView.of(saga).steps().get(step.index()).status()).isEqualTo(status.name());
    assertThat(StepView.of(step).status()).isEqualTo(status.name());
  }

  @Test
  void aStepInTheStoreIsItsComponents() throws IOException {
    SagaState saga = SagaState.of(historyReaching().get(StepStatus.COMPLETED));
    var serde = new JsonSerde<>(ObjectMapper.getDefault(), SagaState.StepState.class);

    String json =
        new String(
            serde.serializer().serialize("sagas", saga.steps().get(0)), StandardCharsets.UTF_8);
    var fields = ObjectMapper.getDefault().readValue(json, Map.class).keySet();

    assertThat(fields)
        .containsExactlyElementsOf(
            Arrays.stream(SagaState.StepState.class.getRecordComponents())
                .map(c -> c.getName())
                .collect(Collectors.toList()));
  }
}
