package io.conclave.projections.operations;

import io.conclave.projections.http.ReadAccess;
import io.conclave.projections.http.Served;
import io.conclave.projections.runtime.PeerHttp;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.Hidden;
import java.util.List;

/**
 * What one projections instance asks another for the leaders ({@link LeaderQueries}): from this
 * instance's own partitions only, naming the partitions it read in the {@value PeerHttp#PARTITIONS}
 * header, for the asking instance to check. Not part of the API: the paths and bodies may change
 * between versions, and every instance of a group must run the same one.
 */
@Hidden
@ReadAccess
@Controller("/peers")
@ExecuteOn(TaskExecutors.BLOCKING)
class LeaderPeerController {
  private final LeaderQueries queries;

  LeaderPeerController(LeaderQueries queries) {
    this.queries = queries;
  }

  @Get("/leaders")
  HttpResponse<List<LeaderView>> leaders() {
    Served<List<LeaderView>> served = queries.localLeaders();
    return HttpResponse.ok(served.page())
        .header(PeerHttp.PARTITIONS, PeerHttp.partitionsHeader(served.partitions()));
  }
}
