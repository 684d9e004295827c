package io.conclave.runtime.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.status.Status;
import ch.qos.logback.core.status.StatusUtil;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The processes' logback.xml: a line of text by default, one JSON object a line with {@code
 * CONCLAVE_LOG_FORMAT=json} (here as a property of a separate logging context, which logback reads
 * like the environment variable); both carry the MDC fields.
 */
class LogFormatTest {
  private static final Map<String, String> FIELDS = Map.of("saga", "saga-t-1", "step", "2");

  @Test
  void jsonFormatWritesOneJsonObjectPerLineWithTheFields() throws Exception {
    List<String> lines = logOneLine("json", FIELDS);

    assertThat(lines).hasSize(1);
    JsonNode line = new ObjectMapper().readTree(lines.get(0));
    assertThat(line.path("level").asText()).isEqualTo("INFO");
    assertThat(line.path("loggerName").asText()).isEqualTo("io.conclave.logtest");
    assertThat(line.path("formattedMessage").asText()).isEqualTo("task t-1 accepted");
    assertThat(line.path("timestamp").asLong()).isPositive();
    assertThat(line.path("mdc").path("saga").asText()).isEqualTo("saga-t-1");
    assertThat(line.path("mdc").path("step").asText()).isEqualTo("2");
  }

  @Test
  void textIsTheDefault() throws Exception {
    List<String> lines = logOneLine(null, FIELDS);

    assertThat(lines)
        .singleElement()
        .satisfies(
            l ->
                assertThat(l)
                    .contains(" INFO ", " - [", "saga=saga-t-1", "step=2")
                    .endsWith("] task t-1 accepted"));
  }

  @Test
  void aTextLineWithoutFieldsHasNoBrackets() throws Exception {
    assertThat(logOneLine("text", Map.of()))
        .singleElement()
        .satisfies(l -> assertThat(l).endsWith(".logtest - task t-1 accepted"));
  }

  /**
   * After configuring, logback prints its status messages to standard output if any is a warning or
   * an error: that must not happen to a CLI command's answer. Nothing silences them: the
   * configuration raises none, so that a broken one is still said.
   */
  @ParameterizedTest
  @ValueSource(strings = {"text", "json"})
  void theConfigurationRaisesNoWarning(String format) throws Exception {
    LoggerContext context = new LoggerContext();
    context.putProperty("CONCLAVE_LOG_FORMAT", format);
    var configurator = new JoranConfigurator();
    configurator.setContext(context);
    configurator.doConfigure(LogFormatTest.class.getResource("/logback.xml"));
    try {
      assertThat(StatusUtil.contextHasStatusListener(context)).isFalse();
      assertThat(new StatusUtil(context).getHighestLevel(0))
          .as(context.getStatusManager().getCopyOfStatusList().toString())
          .isLessThan(Status.WARN);
    } finally {
      context.stop();
    }
  }

  /**
   * Logs one line with the MDC {@code fields} through logback.xml in a fresh context with {@code
   * format}; returns what reached standard error.
   */
  private static List<String> logOneLine(String format, Map<String, String> fields)
      throws Exception {
    LoggerContext context = new LoggerContext();
    context.setMDCAdapter(new LogbackMDCAdapter());
    if (format != null) {
      context.putProperty("CONCLAVE_LOG_FORMAT", format);
    }
    PrintStream original = System.err;
    var captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      var configurator = new JoranConfigurator();
      configurator.setContext(context);
      configurator.doConfigure(LogFormatTest.class.getResource("/logback.xml"));
      fields.forEach(context.getMDCAdapter()::put);
      context.getLogger("io.conclave.logtest").info("task {} accepted", "t-1");
    } finally {
      context.stop();
      System.setErr(original);
    }
    return captured.toString(StandardCharsets.UTF_8).lines().toList();
  }
}
