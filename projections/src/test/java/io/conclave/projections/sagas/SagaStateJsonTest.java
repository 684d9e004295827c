package io.conclave.projections.sagas;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.model.saga.LeaderStamp;
import io.conclave.model.saga.SagaEvent;
import io.conclave.model.saga.SagaState;
import io.conclave.model.saga.SagaStep;
import io.conclave.model.saga.Spending;
import io.conclave.projections.runtime.JsonSerde;
import io.micronaut.serde.ObjectMapper;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The saga store keeps a saga's tenant, budget and spending through its JSON. */
class SagaStateJsonTest {
  private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

  @Test
  void aBudgetedSagaReadsBackEqual() {
    var plan =
        List.of(
            new SagaStep("research", "gather", "", "discard"),
            new SagaStep("write", "draft", "", "drop"));
    SagaState saga =
        SagaState.of(
            List.of(
                new SagaEvent.Started(
                    "saga-1",
                    "t1",
                    SagaEvent.Seq.started(),
                    plan,
                    "why?",
                    new LeaderStamp(0, 1),
                    T0,
                    Spending.limited("acme", 5000)),
                new SagaEvent.StepCompleted(
                    "saga-1", "t1", SagaEvent.Seq.step(0), 0, "research", "sources", T0, 1234)));
    var serde = new JsonSerde<>(ObjectMapper.getDefault(), SagaState.class);

    SagaState read =
        serde.deserializer().deserialize("sagas", serde.serializer().serialize("sagas", saga));

    assertThat(read).isEqualTo(saga);
    assertThat(read.spending().tokens()).containsEntry(0, 1234L);
    assertThat(SagaView.of(read).tokensSpent()).isEqualTo(1234);
    assertThat(SagaView.of(read).tokenBudget()).isEqualTo(5000);
  }
}
