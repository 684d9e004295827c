package io.conclave.projections.sagas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.conclave.model.saga.SagaEvent;
import io.conclave.model.saga.SagaState;
import io.conclave.projections.ledger.TenantLedger;
import io.conclave.projections.runtime.JsonSerde;
import io.conclave.projections.tasks.TaskStores;
import io.micronaut.serde.ObjectMapper;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/** The status counts of a partition's sagas, as {@link SagaFold} starts. */
class SagaFoldTest {
  private final MockProcessorContext<String, TenantLedger> context = new MockProcessorContext<>();
  private final KeyValueStore<String, SagaState> sagas =
      store(TaskStores.SAGAS, new JsonSerde<>(ObjectMapper.getDefault(), SagaState.class));
  private final KeyValueStore<String, String> retirements =
      store(TaskStores.SAGA_RETIREMENTS, Serdes.String());
  private final KeyValueStore<String, Long> counts = store(TaskStores.SAGA_COUNTS, Serdes.Long());

  @Test
  void sagasKeptBeforeTheirCountsAreCountedOnceAtStart() {
    // given: the sagas of a deployment that kept no counts yet, one completed and one running
    sagas.put("done", folded(SagaHistories.completed("done", 2)));
    sagas.put("long", folded(SagaHistories.completed("long", 2).subList(0, 2)));

    // when
    new SagaFold(Duration.ofHours(1)).init(context);

    // then
    assertThat(counts()).containsExactly(entry("COMPLETED", 1L), entry("RUNNING", 1L));
  }

  @Test
  void countsThatAreThereAreLeftAsTheyAre() {
    // given: counts kept with the events (they need not be what a count of the store would say)
    sagas.put("done", folded(SagaHistories.completed("done", 2)));
    counts.put("RUNNING", 7L);

    new SagaFold(Duration.ofHours(1)).init(context);

    assertThat(counts()).containsExactly(entry("RUNNING", 7L));
  }

  @Test
  void noSagasNoCounts() {
    new SagaFold(Duration.ofHours(1)).init(context);

    assertThat(counts()).isEmpty();
  }

  private static SagaState folded(List<SagaEvent> history) {
    SagaState state = null;
    for (SagaEvent e : history) {
      state = SagaFold.apply(state, e);
    }
    return state;
  }

  private Map<String, Long> counts() {
    Map<String, Long> out = new TreeMap<>();
    try (var it = counts.all()) {
      it.forEachRemaining(kv -> out.put(kv.key, kv.value));
    }
    return out;
  }

  private <V> KeyValueStore<String, V> store(String name, Serde<V> values) {
    KeyValueStore<String, V> store =
        Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), Serdes.String(), values)
            .withLoggingDisabled()
            .build();
    store.init(context.getStateStoreContext(), store);
    context.addStateStore(store);
    return store;
  }
}
