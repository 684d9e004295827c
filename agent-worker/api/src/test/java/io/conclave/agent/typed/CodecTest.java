package io.conclave.agent.typed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;
import static org.quicktheories.generators.SourceDSL.strings;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CodecTest {
  enum Mood {
    CALM,
    STORMY
  }

  record Sample(String text, long count, List<String> tags, Mood mood) {}

  @Test
  void textPassesThroughAsItIs() {
    Codec<String> codec = Codec.of(String.class);
    String text = "{\"not\": \"parsed\"} and \"quotes\"";

    assertThat(codec.encode(text)).isEqualTo(text);
    assertThat(codec.decode(text)).isEqualTo(text);
    assertThat(Codec.textOf(text)).isEqualTo(text);
  }

  @Test
  void aRecordIsJsonByItsComponentNames() {
    var sample = new Sample("sky", 2, List.of("a", "b"), Mood.CALM);

    assertThat(Codec.of(Sample.class).encode(sample))
        .isEqualTo("{\"text\":\"sky\",\"count\":2,\"tags\":[\"a\",\"b\"],\"mood\":\"CALM\"}");
  }

  @Test
  void anyRecordSurvivesItsEncoding() {
    Codec<Sample> codec = Codec.of(Sample.class);
    qt().forAll(
            strings().allPossible().ofLengthBetween(0, 40),
            longs().all(),
            lists().of(strings().basicLatinAlphabet().ofLengthBetween(0, 8)).ofSizeBetween(0, 5),
            integers().between(0, 1))
        .checkAssert(
            (text, count, tags, mood) -> {
              var sample = new Sample(text, count, tags, Mood.values()[mood]);
              assertThat(codec.decode(codec.encode(sample))).isEqualTo(sample);
            });
  }

  @Test
  void textThatIsNotTheTypeIsAnIllegalArgumentNamingIt() {
    Codec<Sample> codec = Codec.of(Sample.class);

    assertThatThrownBy(() -> codec.decode("why is the sky blue?"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("not a Sample in JSON");
    assertThatThrownBy(() -> codec.decode("{\"text\":\"a\",\"colour\":\"blue\"}"))
        .as("a property the type does not have")
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("colour");
    assertThatThrownBy(() -> codec.decode("{\"text\":\"a\"} {\"text\":\"b\"}"))
        .as("trailing text")
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> codec.decode("null"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("null is not a Sample");
  }

  record Stamped(Instant at, Optional<String> note) {}

  @Test
  void instantsAreIsoTextAndOptionalsTheirValueOrNull() {
    Codec<Stamped> codec = Codec.of(Stamped.class);
    var stamped = new Stamped(Instant.parse("2026-01-01T10:00:00Z"), Optional.of("late"));

    assertThat(codec.encode(stamped))
        .isEqualTo("{\"at\":\"2026-01-01T10:00:00Z\",\"note\":\"late\"}");
    assertThat(codec.decode(codec.encode(stamped))).isEqualTo(stamped);
    assertThat(codec.decode("{\"at\":\"2026-01-01T10:00:00Z\",\"note\":null}").note()).isEmpty();
  }

  @Test
  void aComponentMissingFromOlderTextIsNull() {
    // a record that gained a component still reads what was written before it
    assertThat(Codec.of(Sample.class).decode("{\"text\":\"sky\",\"count\":1}"))
        .isEqualTo(new Sample("sky", 1, null, null));
  }
}
