package io.conclave.projections.operations;

import io.conclave.projections.http.ReadAccess;
import io.conclave.projections.runtime.ProjectionQueries;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import java.util.List;

/** Who leads each shard of conclave.tasks. */
@ReadAccess
@Controller("/leaders")
class LeaderController {
  private final ProjectionQueries queries;

  LeaderController(ProjectionQueries queries) {
    this.queries = queries;
  }

  /** Each shard's latest announced leader, epoch and since when, by shard. */
  @Get
  List<LeaderView> leaders() {
    return queries.leaders();
  }
}
