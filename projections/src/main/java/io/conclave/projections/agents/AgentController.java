package io.conclave.projections.agents;

import io.conclave.projections.http.NotFoundException;
import io.conclave.projections.http.ReadAccess;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;
import java.util.List;

/** An agent's recorded decisions: its audit trail. */
@ReadAccess
@Controller("/agents")
class AgentController {
  private final DecisionQueries queries;

  AgentController(DecisionQueries queries) {
    this.queries = queries;
  }

  /**
   * An agent's decisions in sequence order: its audit trail. With {@code from} and {@code to}, only
   * those whose sequence is between them, both included.
   */
  @Get("/{agentId}/decisions")
  List<DecisionView> decisions(
      String agentId, @Nullable @QueryValue Long from, @Nullable @QueryValue Long to) {
    long lo = from == null ? 0 : from;
    long hi = to == null ? Long.MAX_VALUE : to;
    if (lo < 0 || hi < lo) {
      throw new IllegalArgumentException(
          "from and to must satisfy 0 <= from <= to, were " + from + " and " + to);
    }
    List<DecisionView> found = queries.decisions(agentId, lo, hi, false);
    if (found.isEmpty() && from == null && to == null) {
      throw new NotFoundException("no decisions recorded for agent '" + agentId + "'");
    }
    return found;
  }
}
