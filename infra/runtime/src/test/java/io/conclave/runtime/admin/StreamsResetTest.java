package io.conclave.runtime.admin;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StreamsResetTest {
  @Test
  void onlyTheApplicationsChangelogAndRepartitionTopicsAreInternal() {
    // then
    assertThat(
            StreamsReset.isInternalTopic(
                "acme-projections", "acme-projections-task-sagas-changelog"))
        .isTrue();
    assertThat(
            StreamsReset.isInternalTopic(
                "acme-projections", "acme-projections-KSTREAM-MAP-0000-repartition"))
        .isTrue();
    assertThat(StreamsReset.isInternalTopic("acme-projections", "acme.tasks")).isFalse();
    assertThat(
            StreamsReset.isInternalTopic("acme-projections", "acme-projectionsX-store-changelog"))
        .isFalse();
    assertThat(
            StreamsReset.isInternalTopic("acme-projections", "other-projections-store-changelog"))
        .isFalse();
    assertThat(StreamsReset.isInternalTopic("acme-projections", "acme-projections-store"))
        .isFalse();
  }
}
