package io.conclave.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;

import io.conclave.model.crdt.Crdt;
import io.conclave.model.crdt.CrdtSamples;
import io.conclave.model.crdt.GCounter;
import io.conclave.model.crdt.KnowledgeType;
import io.conclave.model.eventlog.Decision;
import io.conclave.model.eventlog.DecisionKey;
import io.conclave.model.eventlog.KnowledgeUpdate;
import io.conclave.model.journal.AgentSnapshot;
import io.conclave.model.knowledge.KnowledgeDelta;
import io.conclave.model.knowledge.KnowledgeState;
import io.conclave.model.knowledge.ReplicaKnowledge;
import io.conclave.schemas.avro.KnowledgeStoreState;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * CRDT state has one format in every Kafka record: the Avro union of {@code CrdtDelta.delta}. For
 * every CRDT type (on the histories of the model's CRDT laws, {@link CrdtSamples}), a knowledge
 * store value, an agent snapshot's knowledge and a KNOWLEDGE decision's update come back equal
 * through Avro binary, and equal states are equal bytes; what earlier versions wrote as JSON (a
 * store value, a snapshot's knowledge string, a decision's payload, written with the schemas of
 * then) still reads to the same state; a store value in no known form fails saying why.
 */
class CrdtWireFormatTest {
  private static final long START = 1_767_225_600_000L; // 2026-01-01T00:00:00Z
  private static final KnowledgeStateSerde SERDE = new KnowledgeStateSerde();

  // --- knowledge store values

  @ParameterizedTest
  @EnumSource(KnowledgeType.class)
  void aStoreValueIsTheAvroFormAndReadsBackEqual(KnowledgeType type) {
    qt().withExamples(CrdtSamples.tries())
        .forAll(CrdtSamples.of(type))
        .checkAssert(
            sample -> {
              // given: a time with nanoseconds, as the model keeps it
              Instant at = Instant.ofEpochMilli(START).plusNanos(sample.seed() & 0xffffffL);
              var state = new KnowledgeState(sample.state(), at, 1 + (sample.seed() & 0xff));

              // when
              byte[] bytes = SERDE.serializer().serialize("store", state);

              // then
              assertThat(bytes[0]).isEqualTo(KnowledgeStateSerde.AVRO);
              assertThat(SERDE.deserializer().deserialize("store", bytes)).isEqualTo(state);
              assertThat(KnowledgeStateSerde.encode(new KnowledgeState(sample.shuffled(), at, 3)))
                  .isEqualTo(
                      KnowledgeStateSerde.encode(new KnowledgeState(sample.inOrder(), at, 3)));
            });
  }

  @ParameterizedTest
  @EnumSource(KnowledgeType.class)
  void aStoreValueEarlierVersionsWroteAsJsonReadsToTheSameState(KnowledgeType type) {
    qt().withExamples(CrdtSamples.tries())
        .forAll(CrdtSamples.of(type))
        .checkAssert(
            sample -> {
              // given: the JSON of earlier versions, as their serde wrote it
              Instant at = Instant.ofEpochMilli(START).plusNanos(sample.seed() & 0xffffffL);
              String json =
                  "{\"crdt\":"
                      + CrdtJson.encode(sample.state())
                      + ",\"updatedAt\":\""
                      + at
                      + "\",\"deltas\":4}";

              // when
              KnowledgeState read =
                  SERDE.deserializer().deserialize("store", json.getBytes(StandardCharsets.UTF_8));

              // then: the same state, written back in the Avro form
              assertThat(read).isEqualTo(new KnowledgeState(sample.state(), at, 4));
              assertThat(SERDE.serializer().serialize("store", read))
                  .isEqualTo(KnowledgeStateSerde.encode(read));
            });
  }

  @Test
  void aStoreValueInNoKnownFormFailsSayingWhy() {
    byte[] valid =
        KnowledgeStateSerde.encode(
            new KnowledgeState(
                GCounter.EMPTY.increment("alpha-0", 3), Instant.ofEpochMilli(START), 2));
    byte[] invalidState =
        avroStoreValue(
            new KnowledgeStoreState(
                AvroMapping.crdtToAvro(GCounter.EMPTY), Instant.ofEpochMilli(START), 0L));

    assertUnreadable(new byte[0], "no bytes");
    assertUnreadable(
        new byte[] {0x02, 0x00},
        "unknown format marker 0x02 (the Avro form starts with 0x01, the JSON of earlier versions"
            + " with '{')");
    assertUnreadable("[1]".getBytes(StandardCharsets.UTF_8), "unknown format marker 0x5b");
    assertUnreadable(Arrays.copyOf(valid, valid.length - 1), "not the Avro form: ");
    assertUnreadable(Arrays.copyOf(valid, valid.length + 1), "bytes left after the Avro record");
    // union branch 9 of 5
    assertUnreadable(new byte[] {KnowledgeStateSerde.AVRO, 0x12}, "not the Avro form: ");
    assertUnreadable(invalidState, "a knowledge state merges at least one delta, not 0");
    assertUnreadable("{\"crdt\":{}}".getBytes(StandardCharsets.UTF_8), "");
  }

  @Test
  void aTimeTheStoreFormatCannotHoldIsRefusedWhenWritten() {
    var state = new KnowledgeState(GCounter.EMPTY, Instant.parse("2300-01-01T00:00:00Z"), 1);

    assertThatThrownBy(() -> SERDE.serializer().serialize("store", state))
        .isInstanceOf(SerializationException.class)
        .hasMessage(
            "unwritable knowledge state for store: knowledge state time 2300-01-01T00:00:00Z does"
                + " not fit the store format");
  }

  // --- agent snapshots

  @ParameterizedTest
  @EnumSource(KnowledgeType.class)
  void aSnapshotsKnowledgeIsAvroAndReadsBackEqual(KnowledgeType type) {
    qt().withExamples(CrdtSamples.tries())
        .forAll(CrdtSamples.of(type))
        .checkAssert(
            sample -> {
              // given
              var knowledge =
                  new ReplicaKnowledge(
                      Map.of("b.joined", sample.inOrder(), "a.seen", sample.state()));
              var snapshot = snapshot(knowledge);

              // when
              var avro = AvroMapping.toAvro(snapshot);
              var read = roundTrip(avro, io.conclave.schemas.avro.AgentSnapshot.getClassSchema());

              // then: the knowledge is in the v3 map, the v2 string is empty, and equal knowledge
              // is equal bytes
              assertThat(avro.getKnowledge()).isEqualTo("{}");
              assertThat(avro.getKnowledgeStates()).containsOnlyKeys("a.seen", "b.joined");
              assertThat(AvroMapping.fromAvro(read)).isEqualTo(snapshot);
              assertThat(
                      binary(
                          AvroMapping.toAvro(
                              snapshot(
                                  new ReplicaKnowledge(
                                      Map.of(
                                          "a.seen",
                                          sample.state(),
                                          "b.joined",
                                          sample.shuffled()))))))
                  .isEqualTo(binary(avro));
            });
  }

  @ParameterizedTest
  @EnumSource(KnowledgeType.class)
  void aSnapshotEarlierVersionsWroteWithKnowledgeAsJsonReadsToTheSameKnowledge(KnowledgeType type)
      throws IOException {
    Schema v2 = history("AgentSnapshot-v2.avsc");
    qt().withExamples(CrdtSamples.tries() / 3)
        .forAll(CrdtSamples.of(type))
        .checkAssert(
            sample -> {
              // given: a snapshot written with the v2 schema, its knowledge a JSON string
              Map<String, Crdt> byKey = new LinkedHashMap<>();
              byKey.put("b.joined", sample.inOrder());
              byKey.put("a.seen", sample.state());
              GenericRecord old = new GenericData.Record(v2);
              old.put("agentId", "research-0");
              old.put("nextSequence", 12L);
              old.put("decisionsOffset", 40L);
              old.put("fold", "offline-agent/1");
              old.put("state", "{\"steps\":3}");
              old.put("at", START);
              old.put("knowledge", CrdtJson.encodeByKey(byKey));

              // when: read with the current schema
              io.conclave.schemas.avro.AgentSnapshot read =
                  readAs(
                      writeGeneric(old, v2),
                      v2,
                      io.conclave.schemas.avro.AgentSnapshot.getClassSchema());

              // then
              assertThat(read.getKnowledgeStates()).isEmpty();
              assertThat(AvroMapping.fromAvro(read))
                  .isEqualTo(snapshot(new ReplicaKnowledge(byKey)));
            });
  }

  @Test
  void aSnapshotOfEarlierVersionsWithoutKnowledgeHasNone() throws IOException {
    Schema v2 = history("AgentSnapshot-v2.avsc");
    GenericRecord old = new GenericData.Record(v2);
    old.put("agentId", "research-0");
    old.put("nextSequence", 12L);
    old.put("decisionsOffset", 40L);
    old.put("fold", "offline-agent/1");
    old.put("state", "{\"steps\":3}");
    old.put("at", START);
    old.put("knowledge", "{}");

    io.conclave.schemas.avro.AgentSnapshot read =
        readAs(writeGeneric(old, v2), v2, io.conclave.schemas.avro.AgentSnapshot.getClassSchema());

    assertThat(AvroMapping.fromAvro(read)).isEqualTo(snapshot(ReplicaKnowledge.EMPTY));
  }

  // --- KNOWLEDGE decisions

  @ParameterizedTest
  @EnumSource(KnowledgeType.class)
  void aKnowledgeDecisionCarriesItsUpdateAsAvro(KnowledgeType type) {
    qt().withExamples(CrdtSamples.tries())
        .forAll(CrdtSamples.of(type))
        .checkAssert(
            sample -> {
              // given
              var update = new KnowledgeUpdate("team.facts", sample.state());
              var decision =
                  knowledgeDecision(KnowledgeDelta.payload("team.facts", sample.state()), update);

              // when
              var avro = AvroMapping.toAvro(decision);
              var read =
                  AvroMapping.fromAvro(
                      roundTrip(avro, io.conclave.schemas.avro.DecisionRecorded.getClassSchema()));

              // then: the update is typed, the payload a summary
              assertThat(avro.getKnowledgeUpdate().getKey()).isEqualTo("team.facts");
              assertThat(read).isEqualTo(decision);
              assertThat(read.payload())
                  .isEqualTo("{\"key\":\"team.facts\",\"type\":\"" + type.id() + "\"}");
              assertThat(KnowledgeDelta.of(read).delta()).isEqualTo(sample.state());
            });
  }

  @ParameterizedTest
  @EnumSource(KnowledgeType.class)
  void aKnowledgeDecisionEarlierVersionsWroteWithAJsonPayloadReadsToTheSameUpdate(
      KnowledgeType type) throws IOException {
    Schema v2 = history("DecisionRecorded-v2.avsc");
    qt().withExamples(CrdtSamples.tries() / 3)
        .forAll(CrdtSamples.of(type))
        .checkAssert(
            sample -> {
              // given: a KNOWLEDGE decision written with the v2 schema, its update in the payload
              var update = new KnowledgeUpdate("team.facts", sample.state());
              String payload = CrdtJson.encodeUpdate(update);
              GenericRecord old = new GenericData.Record(v2);
              old.put("agentId", "research-0");
              old.put("sequence", 7L);
              old.put("kind", KnowledgeDelta.DECISION);
              old.put("payload", payload);
              old.put("at", START);

              // when: read with the current schema
              io.conclave.schemas.avro.DecisionRecorded avro =
                  readAs(
                      writeGeneric(old, v2),
                      v2,
                      io.conclave.schemas.avro.DecisionRecorded.getClassSchema());
              Decision read = AvroMapping.fromAvro(avro);

              // then: the update is typed, the payload as it was written
              assertThat(read).isEqualTo(knowledgeDecision(payload, update));
              assertThat(KnowledgeDelta.of(read))
                  .isEqualTo(
                      new KnowledgeDelta(
                          "team.facts",
                          "research-0",
                          7,
                          Optional.empty(),
                          Instant.ofEpochMilli(START),
                          sample.state()));
            });
  }

  @Test
  void aKnowledgeDecisionOfEarlierVersionsWhosePayloadIsNoUpdateStillReadsButHasNone() {
    var malformed = knowledgeDecision("{}", null);

    var read =
        AvroMapping.fromAvro(
            roundTrip(
                AvroMapping.toAvro(malformed),
                io.conclave.schemas.avro.DecisionRecorded.getClassSchema()));

    assertThat(read).isEqualTo(malformed);
    assertThat(read.knowledge()).isEmpty();
    assertThatThrownBy(() -> KnowledgeDelta.of(read))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageEndingWith("carries no knowledge update (payload: {})");
  }

  @Test
  void onlyKnowledgeDecisionsHaveTheirPayloadReadAsAnUpdate() {
    String payload = CrdtJson.encodeUpdate(new KnowledgeUpdate("k", GCounter.EMPTY));
    var other =
        new Decision(
            new DecisionKey("research-0", 7),
            Optional.empty(),
            Optional.empty(),
            "STEP_RESULT",
            payload,
            Instant.ofEpochMilli(START),
            Optional.empty());

    assertThat(AvroMapping.fromAvro(AvroMapping.toAvro(other))).isEqualTo(other);
  }

  @Test
  void theV3SchemasReadWhatTheirV2Wrote() throws IOException {
    // the registry's BACKWARD rule: the new reader schema reads data of the previous writer schema
    assertThat(
            SchemaCompatibility.checkReaderWriterCompatibility(
                    io.conclave.schemas.avro.AgentSnapshot.getClassSchema(),
                    history("AgentSnapshot-v2.avsc"))
                .getType())
        .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
    assertThat(
            SchemaCompatibility.checkReaderWriterCompatibility(
                    io.conclave.schemas.avro.DecisionRecorded.getClassSchema(),
                    history("DecisionRecorded-v2.avsc"))
                .getType())
        .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
  }

  // --- helpers

  private static AgentSnapshot snapshot(ReplicaKnowledge knowledge) {
    return new AgentSnapshot(
        "research-0",
        12,
        40,
        "offline-agent/1",
        "{\"steps\":3}",
        Instant.ofEpochMilli(START),
        knowledge);
  }

  private static Decision knowledgeDecision(String payload, KnowledgeUpdate update) {
    return new Decision(
        new DecisionKey("research-0", 7),
        Optional.empty(),
        Optional.empty(),
        KnowledgeDelta.DECISION,
        payload,
        Instant.ofEpochMilli(START),
        Optional.empty(),
        Optional.empty(),
        Optional.ofNullable(update));
  }

  private static void assertUnreadable(byte[] bytes, String problem) {
    assertThatThrownBy(() -> SERDE.deserializer().deserialize("store", bytes))
        .isInstanceOf(SerializationException.class)
        .hasMessageStartingWith(
            "unreadable knowledge state in store: malformed knowledge state: " + problem);
  }

  private static byte[] avroStoreValue(KnowledgeStoreState state) {
    var out = new ByteArrayOutputStream();
    out.write(KnowledgeStateSerde.AVRO);
    out.writeBytes(binary(state));
    return out.toByteArray();
  }

  private static <T extends SpecificRecord> byte[] binary(T record) {
    try {
      var out = new ByteArrayOutputStream();
      var encoder = EncoderFactory.get().binaryEncoder(out, null);
      new SpecificDatumWriter<T>(record.getSchema()).write(record, encoder);
      encoder.flush();
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static <T extends SpecificRecord> T roundTrip(T record, Schema schema) {
    return readAs(binary(record), schema, schema);
  }

  private static byte[] writeGeneric(GenericRecord record, Schema schema) {
    try {
      var out = new ByteArrayOutputStream();
      var encoder = EncoderFactory.get().binaryEncoder(out, null);
      new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
      encoder.flush();
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static <T> T readAs(byte[] bytes, Schema writer, Schema reader) {
    try {
      return new SpecificDatumReader<T>(writer, reader)
          .read(null, DecoderFactory.get().binaryDecoder(bytes, null));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A schema as an earlier version of Conclave wrote its records. */
  private static Schema history(String file) throws IOException {
    try (InputStream in = CrdtWireFormatTest.class.getResourceAsStream("/avro-history/" + file)) {
      return new Schema.Parser().parse(in);
    }
  }
}
