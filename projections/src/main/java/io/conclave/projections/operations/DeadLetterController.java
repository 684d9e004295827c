package io.conclave.projections.operations;

import io.conclave.model.cluster.DeadLetter;
import io.conclave.projections.http.ReadAccess;
import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.runtime.readers.TopicReplay;
import io.conclave.schemas.ConclaveSerdes;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Deserializer;

/** The records Conclave's consumers could not handle, read from conclave.dead-letters. */
@ReadAccess
@Controller("/dead-letters")
@ExecuteOn(TaskExecutors.BLOCKING)
class DeadLetterController {
  private final ConclaveSettings settings;
  private final Deserializer<DeadLetter> reader;

  DeadLetterController(ConclaveSettings settings, ConclaveSerdes serdes) {
    this.settings = settings;
    this.reader = serdes.deadLetter().deserializer();
  }

  /**
   * Dead letters from an offset or a time, oldest first per partition. From {@code fromOffset} or
   * {@code fromTime} (default: the oldest kept), optionally of one {@code partition}, at most
   * {@code max} (default 100, capped at 10 000); 400 naming a malformed parameter.
   */
  @Get(produces = MediaType.APPLICATION_JSON)
  List<DeadLetterView> list(
      @Nullable @QueryValue String fromOffset,
      @Nullable @QueryValue String fromTime,
      @Nullable @QueryValue String partition,
      @Nullable @QueryValue String max) {
    RecordsQuery query = RecordsQuery.parse(fromOffset, fromTime, partition, max);
    var request =
        new TopicReplay.Request(
            settings.topics().deadLetters(), query.partition(), query.from(), query.max(), false);
    List<DeadLetterView> out = new ArrayList<>();
    TopicReplay.read(
        settings.kafka(), request, r -> true, r -> out.add(DeadLetterView.of(r, reader)));
    return out;
  }
}
