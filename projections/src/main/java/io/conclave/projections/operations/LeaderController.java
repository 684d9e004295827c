package io.conclave.projections.operations;

import io.conclave.projections.http.ReadAccess;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import java.util.List;

/** Who leads each shard of conclave.tasks. */
@ReadAccess
@Controller("/leaders")
class LeaderController {
  private final LeaderQueries queries;

  LeaderController(LeaderQueries queries) {
    this.queries = queries;
  }

  /** Each shard's latest announced leader, epoch and since when, by shard. */
  @Get
  List<LeaderView> leaders() {
    return queries.leaders();
  }
}
