package io.conclave.projections.knowledge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The query parameters of the knowledge API: {@code at}, {@code prefix}, {@code limit}. */
class KnowledgeRequestsTest {
  private static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");
  private static final Duration WEEK = Duration.ofDays(7);

  @Test
  void atIsAnIsoInstantAnOffsetDateTimeOrEpochMillis() {
    assertThat(KnowledgeAsOf.parse(null, NOW, WEEK)).isEmpty();
    assertThat(KnowledgeAsOf.parse("  ", NOW, WEEK)).isEmpty();
    assertThat(KnowledgeAsOf.parse("2026-11-24T09:00:00Z", NOW, WEEK))
        .contains(Instant.parse("2026-11-24T09:00:00Z"));
    assertThat(KnowledgeAsOf.parse("2026-11-24T10:00:00+01:00", NOW, WEEK))
        .contains(Instant.parse("2026-11-24T09:00:00Z"));
    assertThat(KnowledgeAsOf.parse(Long.toString(NOW.toEpochMilli()), NOW, WEEK)).contains(NOW);
    assertThat(KnowledgeAsOf.parse("2027-01-01T00:00:00Z", NOW, WEEK))
        .as("the future answers as far as known")
        .contains(Instant.parse("2027-01-01T00:00:00Z"));
    assertThat(KnowledgeAsOf.parse("2026-11-17T10:00:00Z", NOW, WEEK))
        .as("exactly the retention")
        .isEqualTo(Optional.of(NOW.minus(WEEK)));
  }

  @Test
  void anUnreadableAtOrOneOlderThanTheRetentionIsRefusedSayingWhy() {
    assertThatThrownBy(() -> KnowledgeAsOf.parse("yesterday", NOW, WEEK))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "at must be an ISO-8601 instant such as 2026-11-24T10:00:00Z or milliseconds since the epoch, "
                + "was 'yesterday'");
    assertThatThrownBy(() -> KnowledgeAsOf.parse("-5", NOW, WEEK)).hasMessageContaining("was '-5'");
    assertThatThrownBy(() -> KnowledgeAsOf.parse("99999999999999999999", NOW, WEEK))
        .hasMessageContaining("milliseconds since the epoch");
    assertThatThrownBy(() -> KnowledgeAsOf.parse("2026-11-17T09:59:59.999Z", NOW, WEEK))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "at 2026-11-17T09:59:59.999Z is older than the knowledge history keeps (7 days, "
                + "conclave.knowledge.history-retention): ask for 2026-11-17T10:00:00Z or later");
  }

  @Test
  void theRetentionIsSaidInWords() {
    assertThat(KnowledgeAsOf.humane(Duration.ofDays(1))).isEqualTo("1 day");
    assertThat(KnowledgeAsOf.humane(Duration.ofHours(36))).isEqualTo("36 hours");
    assertThat(KnowledgeAsOf.humane(Duration.ofSeconds(90))).isEqualTo("90 seconds");
    assertThat(KnowledgeAsOf.humane(Duration.ofMillis(1500))).isEqualTo("PT1.5S");
  }

  @Test
  void aListingHasAKeyPrefixAndALimitOfOneToAThousand() {
    assertThat(KnowledgeListing.parse(null, null)).isEqualTo(new KnowledgeListing("", 100));
    assertThat(KnowledgeListing.parse("team.", "1000"))
        .isEqualTo(new KnowledgeListing("team.", 1000));
    assertThat(KnowledgeListing.parse("a-b_c.9", " 1 "))
        .isEqualTo(new KnowledgeListing("a-b_c.9", 1));
    assertThatThrownBy(() -> KnowledgeListing.parse(null, "0"))
        .hasMessage("limit must be 1 to 1000, was 0");
    assertThatThrownBy(() -> KnowledgeListing.parse(null, "1001"))
        .hasMessage("limit must be 1 to 1000, was 1001");
    assertThatThrownBy(() -> KnowledgeListing.parse(null, "ten"))
        .hasMessage("limit must be a whole number, was 'ten'");
    assertThatThrownBy(() -> KnowledgeListing.parse("team/", null))
        .hasMessage(
            "prefix may only contain letters, digits, '-', '_' and '.', as keys do; was 'team/'");
    assertThatThrownBy(() -> KnowledgeListing.parse("é", null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> KnowledgeListing.parse("x".repeat(201), null))
        .hasMessage("prefix must be at most 200 characters, as keys are");
  }
}
