package io.conclave.projections.sagas;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.conclave.model.saga.LeaderStamp;
import io.conclave.model.saga.SagaState;
import io.conclave.model.saga.SagaStep;
import io.conclave.model.saga.Spending;
import io.conclave.model.saga.StepPolicy;
import io.conclave.projections.tasks.TaskStores;
import io.micronaut.serde.annotation.SerdeImport;

/**
 * Makes the core {@link SagaState} (and the records inside it) readable and writable as JSON, for
 * the {@value TaskStores#SAGAS} store. Every field is written, empty or null ones too: the core
 * records check their arguments, and an omitted empty list or string would come back as a null they
 * refuse.
 */
@SerdeImport(value = SagaState.class, mixin = SagaStateJson.EveryField.class)
@SerdeImport(value = SagaState.StepState.class, mixin = SagaStateJson.EveryField.class)
@SerdeImport(value = SagaState.Approval.class, mixin = SagaStateJson.EveryField.class)
@SerdeImport(value = SagaStep.class, mixin = SagaStateJson.EveryField.class)
@SerdeImport(value = StepPolicy.class, mixin = SagaStateJson.EveryField.class)
@SerdeImport(value = LeaderStamp.class, mixin = SagaStateJson.EveryField.class)
@SerdeImport(value = Spending.class, mixin = SagaStateJson.EveryField.class)
final class SagaStateJson {
  private SagaStateJson() {}

  @JsonInclude(JsonInclude.Include.ALWAYS)
  interface EveryField {}
}
