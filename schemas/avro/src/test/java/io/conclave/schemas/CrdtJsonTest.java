package io.conclave.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;

import io.conclave.model.crdt.CausalContext;
import io.conclave.model.crdt.Crdt;
import io.conclave.model.crdt.CrdtSamples;
import io.conclave.model.crdt.Dot;
import io.conclave.model.crdt.GCounter;
import io.conclave.model.crdt.Hlc;
import io.conclave.model.crdt.KnowledgeType;
import io.conclave.model.crdt.LwwMap;
import io.conclave.model.crdt.LwwRegister;
import io.conclave.model.crdt.OrSet;
import io.conclave.model.crdt.PNCounter;
import io.conclave.model.crdt.Stamp;
import io.conclave.model.eventlog.KnowledgeUpdate;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link CrdtJson}'s format, as its Javadoc shows it, and its errors on malformed input; that every
 * state and delta of every type comes back equal, as the same text for the same state (on the
 * histories of the model's CRDT laws, {@link CrdtSamples}); and the forms that embed states: an
 * update (the payload of KNOWLEDGE decisions written before it travelled typed) and states by key
 * (the knowledge of snapshots written before it travelled as Avro).
 */
class CrdtJsonTest {
  private static final long START = 1_767_225_600_000L; // 2026-01-01T00:00:00Z
  private static final Stamp STAMP = new Stamp(new Hlc(START, 2), "write-1");
  private static final String STAMP_JSON =
      "{\"millis\":" + START + ",\"counter\":2,\"replica\":\"write-1\"}";

  @Test
  void eachTypeIsAnObjectWithItsTypeAndSortedFields() {
    assertThat(CrdtJson.encode(new GCounter(Map.of("write-1", 2L, "research-0", 3L))))
        .isEqualTo("{\"type\":\"g-counter\",\"counts\":{\"research-0\":3,\"write-1\":2}}");
    assertThat(
            CrdtJson.encode(
                new PNCounter(
                    new GCounter(Map.of("research-0", 3L)), new GCounter(Map.of("write-1", 1L)))))
        .isEqualTo(
            "{\"type\":\"pn-counter\",\"increments\":{\"research-0\":3},\"decrements\":{\"write-1\":1}}");
    assertThat(
            CrdtJson.encode(
                new OrSet(
                    Map.of("kafka", Set.of(new Dot("research-0", 4))),
                    CausalContext.of(
                        Set.of(
                            new Dot("research-0", 1),
                            new Dot("research-0", 2),
                            new Dot("research-0", 3),
                            new Dot("research-0", 4),
                            new Dot("write-1", 7))))))
        .isEqualTo(
            "{\"type\":\"or-set\",\"entries\":{\"kafka\":{\"research-0\":[4]}},"
                + "\"seen\":{\"versions\":{\"research-0\":4},\"cloud\":{\"write-1\":[7]}}}");
    assertThat(CrdtJson.encode(new LwwRegister(Optional.of("draft 2"), Optional.of(STAMP))))
        .isEqualTo(
            "{\"type\":\"lww-register\",\"value\":\"draft 2\",\"stamp\":" + STAMP_JSON + "}");
    assertThat(CrdtJson.encode(LwwRegister.EMPTY)).isEqualTo("{\"type\":\"lww-register\"}");
    assertThat(
            CrdtJson.encode(
                new LwwMap(
                    Map.of(
                        "title",
                        new LwwRegister(Optional.of("CRDTs"), Optional.of(STAMP)),
                        "gone",
                        new LwwRegister(Optional.empty(), Optional.of(STAMP))))))
        .isEqualTo(
            "{\"type\":\"lww-map\",\"entries\":{\"gone\":{\"stamp\":"
                + STAMP_JSON
                + "},"
                + "\"title\":{\"value\":\"CRDTs\",\"stamp\":"
                + STAMP_JSON
                + "}}}");
  }

  @Test
  void theValueAloneIsPlainJson() {
    assertThat(CrdtJson.encodeValue(new GCounter(Map.of("research-0", 3L)))).isEqualTo("3");
    assertThat(CrdtJson.encodeValue(PNCounter.EMPTY.decrement("research-0", 2))).isEqualTo("-2");
    assertThat(CrdtJson.encodeValue(OrSet.EMPTY.add("research-0", "kafka")))
        .isEqualTo("[\"kafka\"]");
    assertThat(CrdtJson.encodeValue(LwwRegister.EMPTY)).isEqualTo("null");
    assertThat(CrdtJson.encodeValue(LwwRegister.EMPTY.set("x", STAMP.hlc(), "write-1")))
        .isEqualTo("\"x\"");
    assertThat(CrdtJson.encodeValue(LwwMap.EMPTY.put("title", "CRDTs", STAMP.hlc(), "write-1")))
        .isEqualTo("{\"title\":\"CRDTs\"}");
  }

  @Test
  void decodingAsATypeRejectsAnother() {
    String json = CrdtJson.encode(GCounter.EMPTY);

    assertThat(CrdtJson.decode(json, GCounter.class)).isEqualTo(GCounter.EMPTY);
    assertThatThrownBy(() -> CrdtJson.decode(json, OrSet.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("expected OrSet but the JSON holds g-counter");
  }

  @ParameterizedTest
  @EnumSource(KnowledgeType.class)
  void theCodecGivesBackWhatItEncoded(KnowledgeType type) {
    qt().withExamples(CrdtSamples.tries())
        .forAll(CrdtSamples.of(type))
        .checkAssert(
            sample -> {
              // when
              String json = CrdtJson.encode(sample.state());

              // then: states and deltas come back equal, and a state reached in another order is
              // the same text
              assertThat(CrdtJson.decode(json)).isEqualTo(sample.state());
              assertThat(CrdtJson.decode(json, sample.state().getClass()))
                  .isEqualTo(sample.state());
              sample
                  .deltas()
                  .forEach(
                      delta ->
                          assertThat(CrdtJson.decode(CrdtJson.encode(delta))).isEqualTo(delta));
              assertThat(CrdtJson.encode(sample.shuffled()))
                  .isEqualTo(CrdtJson.encode(sample.inOrder()));
            });
  }

  @Test
  void anUpdateIsItsKeyAndItsDelta() {
    var update = new KnowledgeUpdate("team.tokens", new GCounter(Map.of("research-0", 3L)));
    String json =
        "{\"key\":\"team.tokens\",\"delta\":{\"type\":\"g-counter\",\"counts\":{\"research-0\":3}}}";

    assertThat(CrdtJson.encodeUpdate(update)).isEqualTo(json);
    assertThat(CrdtJson.decodeUpdate(json)).isEqualTo(update);
    assertThatThrownBy(() -> CrdtJson.decodeUpdate("{\"key\":\"k\"}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a knowledge update must be {\"key\": <text>, \"delta\": <CRDT>}");
    assertThatThrownBy(() -> CrdtJson.decodeUpdate("{\"key\":\"a b\",\"delta\":" + "{}}"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CrdtJson.decodeUpdate("not json"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("malformed knowledge update: not JSON");
  }

  @Test
  void statesByKeyAreAnObjectInKeyOrder() {
    Map<String, Crdt> byKey =
        Map.of("b.set", OrSet.EMPTY, "a.count", new GCounter(Map.of("research-0", 1L)));
    String json =
        "{\"a.count\":{\"type\":\"g-counter\",\"counts\":{\"research-0\":1}},"
            + "\"b.set\":{\"type\":\"or-set\",\"entries\":{},\"seen\":{\"versions\":{},\"cloud\":{}}}}";

    assertThat(CrdtJson.encodeByKey(byKey)).isEqualTo(json);
    assertThat(CrdtJson.decodeByKey(json)).isEqualTo(byKey);
    assertThat(CrdtJson.decodeByKey("{}")).isEmpty();
    assertThatThrownBy(() -> CrdtJson.decodeByKey("[]"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a replica's knowledge must be a JSON object of knowledge keys, was ARRAY");
  }

  static Stream<Arguments> malformed() {
    String counter = "{\"type\":\"g-counter\",\"counts\":";
    String orSet = "{\"type\":\"or-set\",\"entries\":";
    String seenA1 = ",\"seen\":{\"versions\":{\"a\":1},\"cloud\":{}}}";
    return Stream.of(
        Arguments.of("", "malformed CRDT: no JSON in the text"),
        Arguments.of("counts: 3", "malformed CRDT: not JSON: "),
        Arguments.of("[1]", "malformed CRDT: $ must be an object, was ARRAY"),
        Arguments.of("{}", "malformed CRDT: $ lacks the field 'type'"),
        Arguments.of("{\"type\":7}", "malformed CRDT: $.type must be a string, was NUMBER"),
        Arguments.of(
            "{\"type\":\"g-set\"}", "malformed CRDT: unknown knowledge type 'g-set'; known: "),
        Arguments.of("{\"type\":\"g-counter\"}", "malformed g-counter: $ lacks the field 'counts'"),
        Arguments.of(
            counter + "{},\"extra\":1}",
            "malformed g-counter: $ has an unknown field 'extra'; allowed: "),
        Arguments.of(
            counter + "{\"a\":1,\"a\":2}}", "malformed CRDT: not JSON: Duplicate field 'a'"),
        Arguments.of(counter + "{\"a\":1}} {}", "malformed CRDT: not JSON: Trailing token"),
        Arguments.of(
            counter + "null}", "malformed g-counter: $.counts must be an object, was NULL"),
        Arguments.of(
            counter + "{\"a\":-1}}", "malformed g-counter: count of a must be >= 0, was -1"),
        Arguments.of(
            counter + "{\"a\":1.5}}", "malformed g-counter: $.counts.a must be a whole number"),
        Arguments.of(
            counter + "{\"a\":\"1\"}}", "malformed g-counter: $.counts.a must be a whole number"),
        Arguments.of(
            counter + "{\"a\":12345678901234567890}}",
            "malformed g-counter: $.counts.a must be a whole number"),
        Arguments.of(counter + "{\" \":1}}", "malformed g-counter: replica must not be blank"),
        Arguments.of(
            "{\"type\":\"pn-counter\",\"increments\":{}}",
            "malformed pn-counter: $ lacks the field 'decrements'"),
        Arguments.of(
            orSet + "{\"x\":{\"a\":[2]}}" + seenA1,
            "malformed or-set: tag a:2 of 'x' is missing from the context"),
        Arguments.of(
            orSet + "{\"x\":{\"a\":[1]},\"y\":{\"a\":[1]}}" + seenA1,
            "malformed or-set: tag a:1 tags both 'x' and 'y'"),
        Arguments.of(orSet + "{\"x\":{}}" + seenA1, "malformed or-set: element 'x' has no tags"),
        Arguments.of(
            orSet + "{\"x\":{\"a\":1}}" + seenA1,
            "malformed or-set: $.entries.x.a must be an array of counters"),
        Arguments.of(
            orSet + "{\"x\":{\"a\":[1,1]}}" + seenA1,
            "malformed or-set: $.entries.x.a lists counter 1 twice"),
        Arguments.of(
            orSet + "{\"x\":{\"a\":[0]}}" + seenA1,
            "malformed or-set: dot counter must be >= 1, was 0"),
        Arguments.of(orSet + "{}}", "malformed or-set: $ lacks the field 'seen'"),
        Arguments.of(
            "{\"type\":\"lww-register\",\"value\":\"v\"}",
            "malformed lww-register: a register with a value must have a stamp"),
        Arguments.of(
            "{\"type\":\"lww-register\",\"value\":null}",
            "malformed lww-register: $.value must be a string"),
        Arguments.of(
            "{\"type\":\"lww-register\",\"stamp\":{\"millis\":1,\"counter\":0}}",
            "malformed lww-register: $.stamp lacks the field 'replica'"),
        Arguments.of(
            "{\"type\":\"lww-register\",\"stamp\":{\"millis\":1,\"counter\":2147483648,\"replica\":\"a\"}}",
            "malformed lww-register: $.stamp.counter is larger than 2147483647"),
        Arguments.of(
            "{\"type\":\"lww-register\",\"stamp\":{\"millis\":-1,\"counter\":0,\"replica\":\"a\"}}",
            "malformed lww-register: hlc millis must be >= 0, was -1"),
        Arguments.of(
            "{\"type\":\"lww-map\",\"entries\":{\"k\":{}}}",
            "malformed lww-map: register of 'k' was never written"),
        Arguments.of(
            "{\"type\":\"lww-map\",\"entries\":{\"k\":{\"value\":\"v\",\"stamp\":{},\"at\":1}}}",
            "malformed lww-map: $.entries.k has an unknown field 'at'"),
        Arguments.of(
            "{\"type\":\"lww-map\",\"entries\":[]}",
            "malformed lww-map: $.entries must be an object, was ARRAY"));
  }

  @ParameterizedTest
  @MethodSource
  void malformed(String json, String message) {
    assertThatThrownBy(() -> CrdtJson.decode(json))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(message);
  }
}
