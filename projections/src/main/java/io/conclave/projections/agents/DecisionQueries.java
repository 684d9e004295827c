package io.conclave.projections.agents;

import io.conclave.model.eventlog.DecisionKey;
import io.conclave.projections.http.ProjectionUnavailableException;
import io.conclave.projections.http.QueryRoute;
import io.conclave.projections.runtime.PeerHttp;
import io.conclave.projections.runtime.StoreReads;
import io.micronaut.core.type.Argument;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Reads the agents' decisions over every projections instance of the group ({@link StoreReads}): an
 * agent's decisions by the instance holding the agent's partition (this one from its store, another
 * by asking it on {@code /peers}, see {@link DecisionPeerController}). It answers the whole truth
 * or {@link ProjectionUnavailableException} (503). Thread-safe.
 */
@Singleton
public class DecisionQueries {
  /** (agentId, sequence) -> decision, in sequence order per agent ({@link DecisionKeyOrder}). */
  public static final String DECISIONS = "agent-decisions";

  private static final Argument<List<DecisionView>> LIST = Argument.listOf(DecisionView.class);

  private final StoreReads reads;

  DecisionQueries(StoreReads reads) {
    this.reads = reads;
  }

  /**
   * The agent's decisions with sequence in [from, to], in sequence order.
   *
   * @param forwarded whether another instance asked this one: then it is answered from this
   *     instance's partition or 503, never asked of another (see {@link QueryRoute#of})
   */
  public List<DecisionView> decisions(String agentId, long from, long to, boolean forwarded) {
    // decisions are partitioned by agent id (Partitioning), as a string key would be
    QueryRoute route = reads.route("agent '" + agentId + "'", DECISIONS, agentId, forwarded);
    return route.answer(
        partition -> localDecisions(agentId, from, to, partition),
        forward -> {
          PeerHttp.Answer answer =
              reads.ask(
                  forward.owner(),
                  "/peers/decisions/"
                      + PeerHttp.pathSegment(agentId)
                      + "?from="
                      + from
                      + "&to="
                      + to);
          return reads
              .value(answer, LIST)
              .orElseThrow(() -> answer.unreadable(new IllegalArgumentException("404")));
        });
  }

  private List<DecisionView> localDecisions(String agentId, long from, long to, int partition) {
    Serializer<String> prefix = (topic, id) -> DecisionKeyOrder.prefix(id);
    return reads.<DecisionKey, DecisionView, List<DecisionView>>read(
        DECISIONS,
        partition,
        store -> {
          List<DecisionView> out = new ArrayList<>();
          try (var it = store.prefixScan(agentId, prefix)) {
            it.forEachRemaining(
                kv -> {
                  if (kv.key.agentId().equals(agentId)
                      && kv.key.sequence() >= from
                      && kv.key.sequence() <= to) {
                    out.add(kv.value);
                  }
                });
          }
          return out;
        });
  }
}
