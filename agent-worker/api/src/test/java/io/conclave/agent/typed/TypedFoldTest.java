package io.conclave.agent.typed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;
import static org.quicktheories.generators.SourceDSL.strings;

import io.conclave.model.eventlog.Decision;
import io.conclave.model.eventlog.DecisionKey;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TypedFoldTest {
  record Notes(long summaries, List<String> topics) {
    Notes {
      topics = List.copyOf(topics);
    }

    Notes plus(String topic) {
      var more = new java.util.ArrayList<>(topics);
      more.add(topic);
      return new Notes(summaries + 1, more);
    }
  }

  @Kind("SUMMARY")
  record Summary(String topic, String text) {}

  record Forgotten(String topic) {}

  static final TypedFold<Notes> FOLD =
      TypedFold.of("notes/1", Notes.class, new Notes(0, List.of()))
          .on(Summary.class, (n, s) -> n.plus(s.topic()))
          .on(
              Forgotten.class,
              (n, f) ->
                  new Notes(
                      n.summaries(),
                      n.topics().stream().filter(t -> !t.equals(f.topic())).toList()))
          .onKind("LLM_CALL", (n, d) -> n)
          .build();

  private static long seq;

  private static Decision decision(String kind, String payload) {
    return new Decision(
        new DecisionKey("notes-0", seq++),
        Optional.empty(),
        Optional.empty(),
        kind,
        payload,
        Instant.EPOCH,
        Optional.empty());
  }

  @Test
  void aDecisionIsReadByTheRuleOfItsKind() {
    Notes n = FOLD.initial();
    n = FOLD.apply(n, decision("SUMMARY", "{\"topic\":\"sky\",\"text\":\"blue\"}"));
    n = FOLD.apply(n, decision("Forgotten", "{\"topic\":\"sky\"}"));
    n = FOLD.apply(n, decision("SUMMARY", "{\"topic\":\"sea\",\"text\":\"also blue\"}"));

    assertThat(n).isEqualTo(new Notes(2, List.of("sea")));
  }

  @Test
  void aKindNoRuleNamesLeavesTheStateAsItIs() {
    Notes before = new Notes(3, List.of("sky"));

    assertThat(FOLD.apply(before, decision("STEP_FAILED", "timeout"))).isSameAs(before);
  }

  @Test
  void theKindIsTheAnnotationsOrTheSimpleName() {
    assertThat(Kind.Of.type(Summary.class)).isEqualTo("SUMMARY");
    assertThat(Kind.Of.type(Forgotten.class)).isEqualTo("Forgotten");
  }

  @Test
  void anyStateSurvivesTheFoldsEncoding() {
    qt().forAll(
            longs().between(0, Long.MAX_VALUE),
            lists().of(strings().allPossible().ofLengthBetween(0, 20)).ofSizeBetween(0, 6))
        .checkAssert(
            (summaries, topics) -> {
              var notes = new Notes(summaries, topics);
              assertThat(FOLD.decode(FOLD.encode(notes))).isEqualTo(notes);
            });
  }

  @Test
  void aPayloadThatNoLongerReadsNamesTheDecision() {
    var unreadable = decision("SUMMARY", "plain text of an older version");

    assertThatThrownBy(() -> FOLD.apply(FOLD.initial(), unreadable))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("notes/1 cannot read decision " + unreadable.sequence())
        .hasMessageContaining("as a Summary");
  }

  @Test
  void aStateThatIsNotThisFoldsIsAnIllegalArgument() {
    assertThatThrownBy(() -> FOLD.decode("{\"steps\":3}"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void twoRulesForOneKindAreRefused() {
    var builder =
        TypedFold.of("notes/1", Notes.class, new Notes(0, List.of()))
            .on(Summary.class, (n, s) -> n);

    assertThatThrownBy(() -> builder.onKind("SUMMARY", (n, d) -> n))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("notes/1 already has a rule for decisions of SUMMARY");
  }

  /** A state Jackson writes but cannot read back the same: no equals. */
  static final class Opaque {
    public long n;
  }

  @Test
  void anInitialStateThatDoesNotSurviveJsonIsRefused() {
    assertThatThrownBy(() -> TypedFold.of("opaque/1", Opaque.class, new Opaque()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("does not survive JSON");
  }
}
