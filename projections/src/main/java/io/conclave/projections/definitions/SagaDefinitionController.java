package io.conclave.projections.definitions;

import io.conclave.model.saga.RegisteredSaga;
import io.conclave.model.saga.SagaDefinition;
import io.conclave.model.saga.SagaDefinitions;
import io.conclave.projections.http.ApiRoles;
import io.conclave.projections.http.NotFoundException;
import io.conclave.projections.http.ReadAccess;
import io.conclave.projections.http.StrictJson;
import io.conclave.projections.runtime.ConclaveWriter;
import io.conclave.projections.sagas.SagaRequest;
import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.runtime.readers.SagaDefinitionCatalog;
import io.conclave.runtime.readers.TopicScan;
import io.conclave.runtime.records.ConclaveRecords;
import io.conclave.schemas.ConclaveSerdes;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Put;
import io.micronaut.json.tree.JsonNode;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import jakarta.annotation.PreDestroy;
import java.time.Clock;
import java.util.List;

/**
 * Saga definitions registered by name, which a task names with {@code POST /tasks {"prompt": ...,
 * "definition": "<name>"}}. They live on the compacted conclave.saga-definitions, one record per
 * name; reads fold it to its end first, so a definition registered is read back at once, from any
 * instance.
 */
@Controller("/saga-definitions")
@ExecuteOn(TaskExecutors.BLOCKING)
class SagaDefinitionController implements AutoCloseable {
  private final ConclaveWriter writer;
  private final ConclaveRecords records;
  private final List<String> agentTypes;
  private final SagaDefinitionCatalog catalog;

  /** One reader kept between requests, used by one request at a time (the catalog's lock). */
  private final TopicScan scan;

  private final Clock clock = Clock.systemUTC();

  SagaDefinitionController(
      ConclaveWriter writer,
      ConclaveRecords records,
      ConclaveSettings settings,
      ConclaveSerdes serdes) {
    this.writer = writer;
    this.records = records;
    this.agentTypes = settings.agentTypes();
    this.catalog = new SagaDefinitionCatalog(settings, serdes);
    this.scan = new TopicScan(settings.kafka());
  }

  @PreDestroy
  @Override
  public void close() {
    scan.close();
  }

  /**
   * Registers (or replaces) the definition {@code name}: a JSON body {@code {"steps": [...]}} in
   * the format of {@code POST /sagas}. 400 naming what is wrong if it is not a valid saga or names
   * an agent type the installation does not run; 200 with the definition once every in-sync replica
   * has it.
   */
  @Secured(ApiRoles.WRITER)
  @Put(uri = "/{name}", consumes = MediaType.APPLICATION_JSON)
  SagaDefinitionView register(String name, @Body JsonNode body) {
    return register(name, body == null ? null : StrictJson.plain(body));
  }

  /** As the JSON form, from a YAML body (application/yaml, application/x-yaml or text/yaml). */
  @Secured(ApiRoles.WRITER)
  @Put(
      uri = "/{name}",
      consumes = {"application/yaml", "application/x-yaml", "text/yaml"})
  SagaDefinitionView registerYaml(String name, @Body String body) {
    return register(name, SagaRequest.readYaml(body));
  }

  private SagaDefinitionView register(String name, Object tree) {
    SagaDefinition definition = SagaDefinitions.fromTree(tree);
    SagaDefinition.requireKnownAgentTypes(definition.steps(), agentTypes);
    RegisteredSaga registered = new RegisteredSaga(name, definition, clock.instant());
    writer.write(records.sagaDefinition(registered));
    return SagaDefinitionView.of(registered);
  }

  /** Every registered definition, by name. */
  @ReadAccess
  @Get
  List<SagaDefinitionView> list() {
    return catalog.all(scan).values().stream().map(SagaDefinitionView::of).toList();
  }

  /** The definition registered under the name; 404 if there is none. */
  @ReadAccess
  @Get("/{name}")
  SagaDefinitionView get(String name) {
    return catalog
        .find(scan, name)
        .map(SagaDefinitionView::of)
        .orElseThrow(() -> new NotFoundException("no saga definition named '" + name + "'"));
  }

  /**
   * Removes the definition of the name (a tombstone: compaction drops it); a task that names it
   * afterwards is refused. 204, also when there was none.
   */
  @Secured(ApiRoles.WRITER)
  @Delete("/{name}")
  HttpResponse<Void> remove(String name) {
    writer.write(records.sagaDefinitionRemoved(RegisteredSaga.requireName(name)));
    return HttpResponse.noContent();
  }
}
