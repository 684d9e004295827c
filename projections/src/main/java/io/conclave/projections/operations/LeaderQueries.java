package io.conclave.projections.operations;

import io.conclave.projections.http.FanOut;
import io.conclave.projections.http.ProjectionUnavailableException;
import io.conclave.projections.http.Served;
import io.conclave.projections.runtime.StoreReads;
import io.conclave.runtime.config.ConclaveSettings;
import io.micronaut.core.type.Argument;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * Reads the shards' leaders over every projections instance of the group ({@link StoreReads}), by
 * asking every instance for its partitions (on {@code /peers}, see {@link LeaderPeerController})
 * and merging them. It answers the whole truth or {@link ProjectionUnavailableException} (503).
 * Thread-safe.
 */
@Singleton
public class LeaderQueries {
  /** Shard -> its latest announced leader (conclave.leadership). */
  public static final String LEADERS = "shard-leaders";

  private static final String LEADER_STORE = "the leaders";
  private static final Argument<List<LeaderView>> LIST = Argument.listOf(LeaderView.class);

  private final StoreReads reads;
  private final String leadership;

  LeaderQueries(StoreReads reads, ConclaveSettings settings) {
    this.reads = reads;
    this.leadership = settings.topics().leadership();
  }

  /**
   * Every shard's latest announced leader, by shard, over every instance.
   *
   * @throws ProjectionUnavailableException if some partition cannot be read now (see {@link
   *     FanOut})
   */
  public List<LeaderView> leaders() {
    List<LeaderView> out = new ArrayList<>();
    reads
        .gather(LEADER_STORE, LEADERS, leadership, "/peers/leaders", LIST, this::localLeaders)
        .forEach(out::addAll);
    out.sort(Comparator.comparingInt(LeaderView::shard));
    return out;
  }

  /** This instance's part of the leaders another instance fans out. */
  Served<List<LeaderView>> localLeaders() {
    Set<Integer> partitions = reads.localActivePartitions(leadership);
    List<LeaderView> out = new ArrayList<>();
    for (int partition : partitions) {
      out.addAll(
          reads.<String, LeaderView, List<LeaderView>>read(
              LEADERS,
              partition,
              store -> {
                List<LeaderView> mine = new ArrayList<>();
                try (var it = store.all()) {
                  it.forEachRemaining(kv -> mine.add(kv.value));
                }
                return mine;
              }));
    }
    return new Served<>(out, partitions);
  }
}
