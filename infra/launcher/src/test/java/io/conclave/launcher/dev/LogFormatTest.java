package io.conclave.launcher.dev;

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
import org.junit.jupiter.api.Test;

/**
 * The processes' logback.xml: a line of text by default, one JSON object a line with {@code
 * CONCLAVE_LOG_FORMAT=json} (here as a property of a separate logging context, which logback reads
 * like the environment variable).
 */
class LogFormatTest {
  @Test
  void jsonFormatWritesOneJsonObjectPerLine() throws Exception {
    List<String> lines = logOneLine("json");

    assertThat(lines).hasSize(1);
    JsonNode line = new ObjectMapper().readTree(lines.get(0));
    assertThat(line.path("level").asText()).isEqualTo("INFO");
    assertThat(line.path("loggerName").asText()).isEqualTo("io.conclave.logtest");
    assertThat(line.path("formattedMessage").asText()).isEqualTo("task t-1 accepted");
    assertThat(line.path("timestamp").asLong()).isPositive();
  }

  @Test
  void textIsTheDefault() throws Exception {
    List<String> lines = logOneLine(null);

    assertThat(lines)
        .singleElement()
        .satisfies(l -> assertThat(l).contains(" INFO ").endsWith("- task t-1 accepted"));
  }

  /**
   * After configuring, logback prints its status messages to standard output if any is a warning or
   * an error, unless a status listener takes them: that must not happen to a CLI command's answer.
   */
  @Test
  void logbackWritesNothingOfItsOwnToStandardOutput() throws Exception {
    LoggerContext context = new LoggerContext();
    var configurator = new JoranConfigurator();
    configurator.setContext(context);
    configurator.doConfigure(LogFormatTest.class.getResource("/logback.xml"));
    try {
      boolean printsItsStatus =
          !StatusUtil.contextHasStatusListener(context)
              && new StatusUtil(context).getHighestLevel(0) >= Status.WARN;

      assertThat(printsItsStatus).isFalse();
    } finally {
      context.stop();
    }
  }

  /**
   * Logs one line through logback.xml in a fresh context with {@code format}; returns what reached
   * standard error.
   */
  private static List<String> logOneLine(String format) throws Exception {
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
      context.getLogger("io.conclave.logtest").info("task {} accepted", "t-1");
    } finally {
      context.stop();
      System.setErr(original);
    }
    return captured.toString(StandardCharsets.UTF_8).lines().toList();
  }
}
