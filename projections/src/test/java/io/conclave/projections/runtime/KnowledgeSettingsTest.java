package io.conclave.projections.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micronaut.context.ApplicationContext;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.Test;

/** The knowledge settings and the advertised address, from application.yml and overrides. */
class KnowledgeSettingsTest {
  @Test
  void applicationYmlKeepsAWeekOfHistoryAndAdvertisesTheServersHost() {
    try (ApplicationContext context = ApplicationContext.builder().build()) {
      var environment = context.getEnvironment().start();

      assertThat(new ConclaveBeans().knowledgeSettings(environment))
          .isEqualTo(new KnowledgeSettings(Duration.ofDays(7), Duration.ofSeconds(5)));
      assertThat(new ConclaveBeans().advertisedAddress(environment).at(41_000))
          .isEqualTo(new HostInfo("127.0.0.1", 41_000));
    }
  }

  @Test
  void eachCanBeConfigured() {
    try (ApplicationContext context =
        ApplicationContext.builder()
            .properties(
                Map.of(
                    "conclave.knowledge.history-retention",
                    "36h",
                    "conclave.knowledge.forward-timeout",
                    "750ms",
                    "conclave.http.advertised-host",
                    "projections-2.projections",
                    "conclave.http.advertised-port",
                    "8443"))
            .build()) {
      var environment = context.getEnvironment().start();

      assertThat(new ConclaveBeans().knowledgeSettings(environment))
          .isEqualTo(new KnowledgeSettings(Duration.ofHours(36), Duration.ofMillis(750)));
      assertThat(new ConclaveBeans().advertisedAddress(environment).at(41_000))
          .isEqualTo(new HostInfo("projections-2.projections", 8443));
    }
    assertThatThrownBy(() -> new KnowledgeSettings(Duration.ZERO, Duration.ofSeconds(1)))
        .hasMessage("conclave.knowledge.history-retention must be positive, was PT0S");
  }
}
