package io.conclave.projections.agents;

import io.conclave.projections.http.ReadAccess;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.Hidden;
import java.util.List;

/**
 * What one projections instance asks another about an agent's decisions ({@link DecisionQueries}):
 * from this instance's own partitions only; a partition this instance does not hold (any more) is
 * 503, never forwarded. Not part of the API: the paths and bodies may change between versions, and
 * every instance of a group must run the same one.
 */
@Hidden
@ReadAccess
@Controller("/peers")
@ExecuteOn(TaskExecutors.BLOCKING)
class DecisionPeerController {
  private final DecisionQueries queries;

  DecisionPeerController(DecisionQueries queries) {
    this.queries = queries;
  }

  @Get("/decisions/{agentId}")
  List<DecisionView> decisions(String agentId, long from, long to) {
    return queries.decisions(agentId, from, to, true);
  }
}
