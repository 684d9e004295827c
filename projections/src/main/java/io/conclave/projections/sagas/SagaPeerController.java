package io.conclave.projections.sagas;

import io.conclave.projections.http.ReadAccess;
import io.conclave.projections.http.Served;
import io.conclave.projections.runtime.PeerHttp;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.Hidden;
import java.util.List;

/**
 * What one projections instance asks another for a saga listing ({@link SagaQueries}): from this
 * instance's own partitions only, naming the partitions it read in the {@value PeerHttp#PARTITIONS}
 * header, for the asking instance to check. Not part of the API: the paths and bodies may change
 * between versions, and every instance of a group must run the same one.
 */
@Hidden
@ReadAccess
@Controller("/peers")
@ExecuteOn(TaskExecutors.BLOCKING)
class SagaPeerController {
  private final SagaQueries queries;

  SagaPeerController(SagaQueries queries) {
    this.queries = queries;
  }

  @Get("/sagas")
  HttpResponse<List<SagaSummary>> sagas(
      @Nullable @QueryValue String status, @Nullable @QueryValue String limit) {
    Served<List<SagaSummary>> served = queries.localSagas(SagaQuery.parse(status, limit));
    return HttpResponse.ok(served.page())
        .header(PeerHttp.PARTITIONS, PeerHttp.partitionsHeader(served.partitions()));
  }
}
