package io.conclave.runtime.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.runtime.env.EnvironmentLookup;
import io.conclave.runtime.env.Setting;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.exceptions.BeanContextException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A Micronaut service's {@link ConclaveSettings} come from its configuration, converted and checked
 * by Micronaut: the same defaults as the CLI's, the values set, and a bad value refused with its
 * key named.
 */
class ConclavePropertiesTest {
  @Test
  void withNothingSetTheSettingsAreTheDefaultsTheCliReads() {
    try (ApplicationContext context = context(Map.of())) {
      assertThat(context.getBean(ConclaveSettings.class))
          .isEqualTo(ConclaveSettings.from(Map.of(), Map.of()));
    }
  }

  @Test
  void theConfiguredValuesAreConvertedIntoTheSettings() {
    try (ApplicationContext context =
        context(
            Map.of(
                "kafka.bootstrap.servers", "kafka-1:9092",
                "conclave.partitions", "6",
                "conclave.agent-types", "triage, answer",
                "conclave.group.session-timeout-ms", "9000",
                "conclave.registry.auto-register", "false",
                "conclave.saga.deadline-grace-ms", "500",
                "conclave.kafka.client.client.rack", "eu-1"))) {
      ConclaveSettings settings = context.getBean(ConclaveSettings.class);

      assertThat(settings.bootstrapServers()).isEqualTo("kafka-1:9092");
      assertThat(settings.partitions()).isEqualTo(6);
      assertThat(settings.agentTypes()).containsExactly("triage", "answer");
      assertThat(settings.groups().sessionTimeout()).isEqualTo(Duration.ofSeconds(9));
      assertThat(settings.registry().autoRegister()).isFalse();
      assertThat(settings.deadlineGrace()).isEqualTo(Duration.ofMillis(500));
      assertThat(settings.kafkaSecurity().asSystemProperties())
          .contains("-Dconclave.kafka.client.client.rack=eu-1");
    }
  }

  @Test
  void aLauncherBootstrapPropertyWinsOverKafkaBootstrapServers() {
    try (ApplicationContext context =
        context(
            Map.of(
                "kafka.bootstrap.servers", "kafka-1:9092",
                "conclave.kafka.bootstrap-servers", "127.0.0.1:29092"))) {
      assertThat(context.getBean(ConclaveSettings.class).bootstrapServers())
          .isEqualTo("127.0.0.1:29092");
    }
  }

  @Test
  void theOtherSettingsAreLookedUpInTheSameConfiguration() {
    try (ApplicationContext context = context(Map.of("conclave.coordinator.planner", "llm"))) {
      EnvironmentLookup lookup = context.getBean(EnvironmentLookup.class);

      assertThat(lookup.get(Setting.of("conclave.coordinator.planner", "UNSET_VARIABLE", "x")))
          .isEqualTo("llm");
      assertThat(lookup.get(Setting.of("conclave.not.set", "UNSET_VARIABLE", "fallback")))
          .isEqualTo("fallback");
    }
  }

  @Test
  void aValueOutOfRangeIsRefusedNamingItsKey() {
    try (ApplicationContext context = context(Map.of("conclave.partitions", "0"))) {
      assertThatThrownBy(() -> context.getBean(ConclaveSettings.class))
          .isInstanceOf(BeanContextException.class)
          .satisfies(
              e ->
                  assertThat(ConclaveApplication.oneLine(e))
                      .contains("partitions")
                      .contains("must be greater than or equal to 1"));
    }
  }

  @Test
  void aValueOfTheWrongTypeIsRefusedNamingItsKey() {
    try (ApplicationContext context =
        context(Map.of("conclave.group.session-timeout-ms", "ten seconds"))) {
      assertThatThrownBy(() -> context.getBean(ConclaveSettings.class))
          .isInstanceOf(BeanContextException.class)
          .satisfies(
              e ->
                  assertThat(ConclaveApplication.oneLine(e))
                      .contains("conclave.group.session-timeout-ms")
                      .contains("ten seconds"));
    }
  }

  /** An application context with {@code properties} and no environment variables. */
  private static ApplicationContext context(Map<String, Object> properties) {
    return ApplicationContext.builder()
        .environments(ConclaveApplication.SERVICE_ENVIRONMENT)
        .environmentPropertySource(false)
        .properties(properties)
        .start();
  }

  @Test
  void aMultiLineMessageIsSaidOnOneLine() {
    assertThat(ConclaveApplication.oneLine(new IllegalStateException("a\n  b\r\nc ")))
        .isEqualTo("a b c");
    assertThat(List.of(ConclaveApplication.oneLine(new IllegalStateException())))
        .containsExactly("java.lang.IllegalStateException");
  }
}
