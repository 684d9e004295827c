package io.conclave.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.core.DecisionKey;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.common.serialization.Serializer;

/** Telling an agent's decision keys from their bytes gives what decoding them gives. */
class DecisionKeyFilterTest {
  /** Registry framing as the serde writes it: magic byte and an 8-byte global id. */
  private static Serializer<DecisionKey> framedWith(long globalId) {
    return (topic, key) -> {
      var out = new ByteArrayOutputStream();
      out.write(0);
      for (int i = 7; i >= 0; i--) {
        out.write((int) (globalId >>> (8 * i)));
      }
      BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
      try {
        new SpecificDatumWriter<>(io.conclave.schemas.avro.DecisionKey.class)
            .write(AvroMapping.toAvro(key), encoder);
        encoder.flush();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return out.toByteArray();
    };
  }

  @Property
  void aKeyIsTheAgentsExactlyWhenItsIdIsTheAgentsAndItsSequenceReadsBack(
      @ForAll("ids") String agent, @ForAll("ids") String other, @ForAll @LongRange(min = 0) long sequence) {
    // given
    Serializer<DecisionKey> writer = framedWith(42);
    DecisionKeyFilter filter = DecisionKeyFilter.forAgent(agent, writer, "t");

    // when
    byte[] mine = writer.serialize("t", new DecisionKey(agent, sequence));
    byte[] theirs = writer.serialize("t", new DecisionKey(other, sequence));

    // then
    assertThat(filter.match(mine)).isEqualTo(DecisionKeyFilter.Match.MINE);
    assertThat(filter.key(mine)).isEqualTo(new DecisionKey(agent, sequence));
    assertThat(filter.match(theirs))
        .isEqualTo(agent.equals(other) ? DecisionKeyFilter.Match.MINE : DecisionKeyFilter.Match.OTHER);
  }

  @Property
  void aKeyWrittenWithAnotherSchemaCannotBeToldApart(@ForAll("ids") String agent,
                                                     @ForAll @LongRange(min = 0) long sequence) {
    // given: the filter learnt the framing of global id 42; the key was written with global id 43
    DecisionKeyFilter filter = DecisionKeyFilter.forAgent(agent, framedWith(42), "t");

    // when
    byte[] key = framedWith(43).serialize("t", new DecisionKey(agent, sequence));

    // then: it must be decoded
    assertThat(filter.match(key)).isEqualTo(DecisionKeyFilter.Match.UNKNOWN);
    assertThat(filter.match(new byte[] {0, 1})).isEqualTo(DecisionKeyFilter.Match.UNKNOWN);
    assertThat(filter.match(null)).isEqualTo(DecisionKeyFilter.Match.UNKNOWN);
  }

  @Provide
  Arbitrary<String> ids() {
    return Arbitraries.strings().alpha().numeric().withChars('-', '_', '.').ofMinLength(1).ofMaxLength(128);
  }
}
