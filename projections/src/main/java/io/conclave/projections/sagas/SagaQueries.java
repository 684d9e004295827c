package io.conclave.projections.sagas;

import io.conclave.model.saga.SagaState;
import io.conclave.projections.http.FanOut;
import io.conclave.projections.http.ProjectionUnavailableException;
import io.conclave.projections.http.Served;
import io.conclave.projections.runtime.StoreReads;
import io.conclave.projections.tasks.TaskStores;
import io.conclave.runtime.config.ConclaveSettings;
import io.micronaut.core.type.Argument;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the saga listings and counts over every projections instance of the group ({@link
 * StoreReads}): a listing by asking every instance for its partitions (on {@code /peers}, see
 * {@link SagaPeerController}) and merging the pages. A saga by its task id is read by {@code
 * TaskQueries}. It answers the whole truth or {@link ProjectionUnavailableException} (503).
 * Thread-safe.
 */
@Singleton
public class SagaQueries {
  private static final String SAGA_STORE = "the sagas";
  private static final Argument<List<SagaSummary>> SUMMARIES = Argument.listOf(SagaSummary.class);

  private final StoreReads reads;
  private final String sagaEvents;

  SagaQueries(StoreReads reads, ConclaveSettings settings) {
    this.reads = reads;
    this.sagaEvents = settings.topics().sagaEvents();
  }

  /**
   * The first {@code query.limit()} sagas that match {@code query}, by task id, over every
   * instance.
   *
   * @throws ProjectionUnavailableException if some partition cannot be read now (see {@link
   *     FanOut})
   */
  public List<SagaSummary> sagas(SagaQuery query) {
    List<List<SagaSummary>> pages =
        reads.gather(
            SAGA_STORE,
            TaskStores.SAGAS,
            sagaEvents,
            "/peers/sagas?" + query.parameters(),
            SUMMARIES,
            () -> localSagas(query));
    return SagaSummary.merge(pages, query.limit());
  }

  /**
   * This instance's part of a saga listing another instance fans out: its partitions only, and
   * which they are.
   */
  Served<List<SagaSummary>> localSagas(SagaQuery query) {
    List<List<SagaSummary>> pages = new ArrayList<>();
    Set<Integer> partitions = reads.localActivePartitions(sagaEvents);
    for (int partition : partitions) {
      pages.add(
          reads.<String, SagaState, List<SagaSummary>>read(
              TaskStores.SAGAS,
              partition,
              store -> {
                List<SagaSummary> out = new ArrayList<>();
                try (var it = store.all()) {
                  while (it.hasNext() && out.size() < query.limit()) {
                    SagaState saga = it.next().value;
                    if (query.matches(saga)) {
                      out.add(SagaSummary.of(saga));
                    }
                  }
                }
                return out;
              }));
    }
    return new Served<>(SagaSummary.merge(pages, query.limit()), partitions);
  }

  /**
   * How many sagas of this instance's partitions are in each status (every status, 0 for none): a
   * gauge of each instance, which together count every saga once.
   */
  public Map<SagaState.Status, Long> sagaCounts() {
    return reads.<String, Long, Map<SagaState.Status, Long>>read(
        TaskStores.SAGA_COUNTS,
        store -> {
          Map<SagaState.Status, Long> out = new EnumMap<>(SagaState.Status.class);
          for (SagaState.Status status : SagaState.Status.values()) {
            out.put(status, 0L);
          }
          try (var it = store.all()) {
            it.forEachRemaining(
                kv -> out.merge(SagaState.Status.valueOf(kv.key), kv.value, Long::sum));
          }
          return out;
        });
  }
}
