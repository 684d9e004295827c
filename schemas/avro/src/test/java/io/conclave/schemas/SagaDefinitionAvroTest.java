package io.conclave.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.model.cluster.TaskSubmission;
import io.conclave.model.saga.RegisteredSaga;
import io.conclave.model.saga.Saga;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/**
 * A registered saga definition, and a task naming one, survive the Avro wire format; a task written
 * before tasks named definitions reads as one that names none.
 */
class SagaDefinitionAvroTest {
  private static final Instant AT = Instant.parse("2026-12-07T10:00:00Z");

  @SuppressWarnings("unchecked")
  private static <T extends SpecificRecord> T roundTrip(T record) throws IOException {
    var bytes = new ByteArrayOutputStream();
    var encoder = EncoderFactory.get().binaryEncoder(bytes, null);
    new SpecificDatumWriter<T>((Class<T>) record.getClass()).write(record, encoder);
    encoder.flush();
    return new SpecificDatumReader<T>((Class<T>) record.getClass())
        .read(null, DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));
  }

  @Test
  void aRegisteredDefinitionRoundTrips() throws IOException {
    var registered =
        new RegisteredSaga(
            "report",
            Saga.step("research", "gather", "discard")
                .parallel(
                    Saga.branch("analysis", "analyze", "retract"),
                    Saga.branch("write", "outline", "drop"))
                .build(),
            AT);

    assertThat(AvroMapping.fromAvro(roundTrip(AvroMapping.toAvro(registered))))
        .isEqualTo(registered);
  }

  @Test
  void aTaskNamingADefinitionRoundTrips() throws IOException {
    TaskSubmission task = TaskSubmission.naming("t-1", "why?", AT, "acme", "report");

    assertThat(AvroMapping.fromAvro(roundTrip(AvroMapping.toAvro(task)))).isEqualTo(task);
  }

  @Test
  void theTaskSchemaReadsTasksWrittenBeforeItNamedDefinitions() {
    Schema v3 =
        new Schema.Parser()
            .parse(
                """
                {"type": "record", "name": "TaskSubmitted", "namespace": "io.conclave.schemas.avro",
                 "fields": [
                   {"name": "taskId", "type": "string"},
                   {"name": "prompt", "type": "string"},
                   {"name": "submittedAt", "type": {"type": "long", "logicalType": "timestamp-millis"}},
                   {"name": "plan", "type": ["null", {"type": "array", "items": {
                     "type": "record", "name": "SagaStep", "fields": [
                       {"name": "agentType", "type": "string"}, {"name": "action", "type": "string"},
                       {"name": "input", "type": "string"}, {"name": "compensation", "type": "string"},
                       {"name": "parallel", "type": "boolean", "default": false},
                       {"name": "timeoutMs", "type": "long", "default": 0},
                       {"name": "maxAttempts", "type": "int", "default": 3},
                       {"name": "backoffMs", "type": "long", "default": 100}]}}], "default": null},
                   {"name": "tenant", "type": "string", "default": "default"}]}
                """);

    assertThat(
            SchemaCompatibility.checkReaderWriterCompatibility(
                    io.conclave.schemas.avro.TaskSubmitted.getClassSchema(), v3)
                .getType())
        .isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
  }
}
