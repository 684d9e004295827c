package io.conclave.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.conclave.model.crdt.Crdt;
import io.conclave.model.crdt.GCounter;
import io.conclave.model.crdt.Hlc;
import io.conclave.model.crdt.KnowledgeType;
import io.conclave.model.crdt.LwwMap;
import io.conclave.model.crdt.LwwRegister;
import io.conclave.model.crdt.OrSet;
import io.conclave.model.crdt.PNCounter;
import io.conclave.model.eventlog.Decision;
import io.conclave.model.eventlog.DecisionKey;
import io.conclave.model.eventlog.KnowledgeUpdate;
import io.conclave.model.knowledge.KnowledgeDelta;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A knowledge delta survives the Avro wire format and the agent's log unchanged, for every CRDT
 * type.
 */
class KnowledgeAvroTest {
  private static final Instant AT = Instant.parse("2026-11-25T10:00:00Z");
  private static final Hlc T1 = new Hlc(AT.toEpochMilli(), 0);
  private static final Hlc T2 = new Hlc(AT.toEpochMilli(), 1);

  static Stream<Crdt> states() {
    OrSet set = OrSet.EMPTY.add("research-0", "kafka");
    set = set.merge(set.add("research-0", "crdt")).merge(OrSet.EMPTY.add("write-1", "kafka"));
    set = set.merge(set.remove("crdt"));
    LwwMap map = LwwMap.EMPTY.put("title", "CRDTs", T1, "write-1");
    map =
        map.merge(map.remove("title", T2, "write-1"))
            .merge(LwwMap.EMPTY.put("lang", "en", T1, "research-0"));
    return Stream.of(
        GCounter.EMPTY,
        GCounter.EMPTY.increment("research-0", 3).merge(GCounter.EMPTY.increment("w-1", 2)),
        PNCounter.EMPTY.increment("research-0", 5).merge(PNCounter.EMPTY.decrement("write-1", 2)),
        OrSet.EMPTY,
        set,
        LwwRegister.EMPTY,
        LwwRegister.EMPTY.set("draft", T1, "write-1"),
        LwwRegister.EMPTY.set("draft", T1, "write-1").clear(T2, "write-1"),
        LwwMap.EMPTY,
        map);
  }

  @Test
  void theStatesHoldEveryKnowledgeType() {
    assertThat(states().map(Crdt::type).distinct())
        .containsExactlyInAnyOrder(KnowledgeType.values());
  }

  @ParameterizedTest
  @MethodSource("states")
  void everyStateRoundTripsThroughAvroBinary(Crdt state) throws IOException {
    var delta = new KnowledgeDelta("topics", "research-0", 7, Optional.of("saga-1"), AT, state);

    var avro = AvroMapping.toAvro(delta);
    var bytes = new ByteArrayOutputStream();
    var encoder = EncoderFactory.get().binaryEncoder(bytes, null);
    new SpecificDatumWriter<>(io.conclave.schemas.avro.CrdtDelta.class).write(avro, encoder);
    encoder.flush();
    var read =
        new SpecificDatumReader<>(io.conclave.schemas.avro.CrdtDelta.class)
            .read(null, DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));

    assertThat(AvroMapping.fromAvro(read)).isEqualTo(delta);
  }

  @ParameterizedTest
  @MethodSource("states")
  void everyStateRoundTripsThroughTheAgentsLog(Crdt state) {
    var decision =
        new Decision(
            new DecisionKey("research-0", 7),
            Optional.empty(),
            Optional.of(1),
            KnowledgeDelta.DECISION,
            KnowledgeDelta.payload("topics", state),
            AT,
            Optional.empty(),
            Optional.empty(),
            Optional.of(new KnowledgeUpdate("topics", state)));

    assertThat(KnowledgeDelta.of(decision))
        .isEqualTo(new KnowledgeDelta("topics", "research-0", 7, Optional.empty(), AT, state));
  }

  @Test
  void aKnowledgeKeyIsAnIdentifier() {
    assertThatThrownBy(() -> KnowledgeDelta.key("a/b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("knowledge key may only contain letters, digits, '-', '_' and '.'");
    assertThatThrownBy(() -> KnowledgeDelta.key(" ")).isInstanceOf(IllegalArgumentException.class);
    assertThat(KnowledgeDelta.key("project.alpha.sources-found"))
        .isEqualTo("project.alpha.sources-found");
  }

  @Test
  void aDecisionOfAnotherKindOrShapeIsNotAnUpdate() {
    var result =
        new Decision(
            new DecisionKey("research-0", 1),
            Optional.empty(),
            Optional.empty(),
            "STEP_RESULT",
            "{}",
            AT,
            Optional.empty());
    var shapeless =
        new Decision(
            new DecisionKey("research-0", 1),
            Optional.empty(),
            Optional.empty(),
            KnowledgeDelta.DECISION,
            "{\"key\":\"k\"}",
            AT,
            Optional.empty());
    var typedElsewhere =
        (org.assertj.core.api.ThrowableAssert.ThrowingCallable)
            () ->
                new Decision(
                    new DecisionKey("research-0", 1),
                    Optional.empty(),
                    Optional.empty(),
                    "STEP_RESULT",
                    "{}",
                    AT,
                    Optional.empty(),
                    Optional.empty(),
                    Optional.of(new KnowledgeUpdate("k", GCounter.EMPTY)));

    assertThatThrownBy(() -> KnowledgeDelta.of(result))
        .hasMessage("a STEP_RESULT decision is not a knowledge update");
    assertThatThrownBy(() -> KnowledgeDelta.of(shapeless))
        .hasMessageEndingWith("carries no knowledge update (payload: {\"key\":\"k\"})");
    assertThatThrownBy(typedElsewhere)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("only a KNOWLEDGE decision records a knowledge update, not a STEP_RESULT");
  }
}
