package io.conclave.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.model.saga.SagaEvent;
import io.conclave.model.saga.SagaEventTypesTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Collection;
import java.util.stream.Stream;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every type of saga event survives the Avro wire format unchanged. The samples are the events of
 * {@link SagaEventTypesTest}'s histories, which hold every type the sealed interface permits.
 */
class SagaEventAvroTest {
  static Stream<SagaEvent> samples() {
    return SagaEventTypesTest.historyEndingIn().values().stream()
        .flatMap(Collection::stream)
        .distinct();
  }

  @Test
  void theSamplesHoldEveryTypeOfEvent() {
    assertThat(samples().map(Object::getClass).distinct())
        .containsExactlyInAnyOrder(SagaEvent.class.getPermittedSubclasses());
  }

  @ParameterizedTest
  @MethodSource("samples")
  void everyEventRoundTripsThroughAvroBinary(SagaEvent event) throws IOException {
    var avro = AvroMapping.toAvro(event);
    var bytes = new ByteArrayOutputStream();
    var encoder = EncoderFactory.get().binaryEncoder(bytes, null);
    new SpecificDatumWriter<>(io.conclave.schemas.avro.SagaEvent.class).write(avro, encoder);
    encoder.flush();
    var read =
        new SpecificDatumReader<>(io.conclave.schemas.avro.SagaEvent.class)
            .read(null, DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));

    assertThat(AvroMapping.fromAvro(read)).isEqualTo(event);
  }

  @Test
  void everyKindOfTheSchemaIsWrittenBySomeType() {
    assertThat(samples().map(e -> AvroMapping.toAvro(e).getKind()).distinct())
        .containsExactlyInAnyOrder(io.conclave.schemas.avro.SagaEventKind.values());
  }
}
