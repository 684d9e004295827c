package io.conclave.projections.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.conclave.schemas.SchemaRegistryUnavailableException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.Test;

/**
 * A stream thread's reads wait for an absent registry, but not for a bad record, nor while the
 * instance stops.
 */
class RegistryPatienceTest {
  private final AtomicInteger calls = new AtomicInteger();

  @Test
  void aReadWaitsForTheRegistryAndCarriesOnWhereItWas() {
    Serde<String> patient = RegistryPatience.patient(failingFirst(1, away()), () -> false);

    assertThat(patient.deserializer().deserialize("t", new byte[] {1})).isEqualTo("read");
    assertThat(calls).hasValue(2);
  }

  @Test
  void aReadWaitsForNothingWhileTheInstanceStopsNorForABadRecord() {
    var stopping = new AtomicBoolean(true);
    Serde<String> patient = RegistryPatience.patient(failingFirst(5, away()), stopping::get);
    assertThatThrownBy(() -> patient.deserializer().deserialize("t", new byte[] {1}))
        .isInstanceOf(SchemaRegistryUnavailableException.class);
    assertThat(calls).hasValue(1);

    calls.set(0);
    Serde<String> bad =
        RegistryPatience.patient(
            failingFirst(5, new SerializationException("not Avro")), () -> false);
    assertThatThrownBy(() -> bad.deserializer().deserialize("t", new byte[] {1}))
        .isInstanceOf(SerializationException.class);
    assertThat(calls).hasValue(1);
  }

  private static RuntimeException away() {
    return new SchemaRegistryUnavailableException(
        "the registry at http://registry:8080 is away", null);
  }

  private Serde<String> failingFirst(int failures, RuntimeException failure) {
    Deserializer<String> inner =
        (topic, data) -> {
          if (calls.incrementAndGet() <= failures) {
            throw failure;
          }
          return "read";
        };
    return Serdes.serdeFrom(Serdes.String().serializer(), inner);
  }
}
