package io.conclave.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.arbitrary;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;

import io.conclave.model.eventlog.DecisionKey;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/** Telling an agent's decision keys from their bytes gives what decoding them gives. */
class DecisionKeyFilterTest {
  private static final int TRIES = 1_000;
  private static final List<Character> ID_CHARS =
      IntStream.concat(
              IntStream.concat(IntStream.rangeClosed('a', 'z'), IntStream.rangeClosed('A', 'Z')),
              IntStream.concat(IntStream.rangeClosed('0', '9'), "-_.".chars()))
          .mapToObj(c -> (char) c)
          .toList();

  /**
   * Agent ids: 1 to 128 letters, digits, '-', '_' and '.'; shrinking shortens them and moves chars
   * towards 'a'.
   */
  private static final Gen<String> IDS =
      lists()
          .of(arbitrary().pick(ID_CHARS))
          .ofSizeBetween(1, 128)
          .map(chars -> chars.stream().map(String::valueOf).collect(Collectors.joining()));

  private static final Gen<Long> SEQUENCES = longs().between(0, Long.MAX_VALUE);

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

  @Test
  void aKeyIsTheAgentsExactlyWhenItsIdIsTheAgentsAndItsSequenceReadsBack() {
    qt().withExamples(TRIES)
        .forAll(IDS, IDS, SEQUENCES)
        .checkAssert(
            (agent, other, sequence) -> {
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
                  .isEqualTo(
                      agent.equals(other)
                          ? DecisionKeyFilter.Match.MINE
                          : DecisionKeyFilter.Match.OTHER);
            });
  }

  @Test
  void aKeyWrittenWithAnotherSchemaCannotBeToldApart() {
    qt().withExamples(TRIES)
        .forAll(IDS, SEQUENCES)
        .checkAssert(
            (agent, sequence) -> {
              // given: the filter learnt the framing of global id 42; the key was written with
              // global id 43
              DecisionKeyFilter filter = DecisionKeyFilter.forAgent(agent, framedWith(42), "t");

              // when
              byte[] key = framedWith(43).serialize("t", new DecisionKey(agent, sequence));

              // then: it must be decoded
              assertThat(filter.match(key)).isEqualTo(DecisionKeyFilter.Match.UNKNOWN);
              assertThat(filter.match(new byte[] {0, 1}))
                  .isEqualTo(DecisionKeyFilter.Match.UNKNOWN);
              assertThat(filter.match(null)).isEqualTo(DecisionKeyFilter.Match.UNKNOWN);
            });
  }
}
