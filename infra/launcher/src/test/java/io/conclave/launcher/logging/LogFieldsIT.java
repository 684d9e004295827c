package io.conclave.launcher.logging;

import static io.conclave.testkit.Eventually.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.conclave.agent.Agent;
import io.conclave.agent.AgentContext;
import io.conclave.agent.StepRequest;
import io.conclave.agent.StepResult;
import io.conclave.launcher.harness.InProcessConclave;
import io.conclave.launcher.saga.SagaIT;
import io.conclave.model.eventlog.StateFold;
import io.conclave.model.eventlog.Tally;
import io.conclave.model.saga.Saga;
import io.conclave.model.saga.SagaState;
import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.testkit.ConclaveStack;
import io.conclave.testkit.ConclaveStackExtension;
import io.conclave.testkit.StackClient;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

/**
 * The lines written while a record is handled carry its saga, task, agent, step, shard and epoch
 * (the MDC): an agent's own line from inside a step, and the coordinator's about a task.
 */
@ExtendWith(ConclaveStackExtension.class)
class LogFieldsIT {
  private static final String AGENT_LOGGER = "io.conclave.launcher.logging.agent";

  @Test
  void linesWrittenWhileARecordIsHandledCarryItsFields(ConclaveStack stack) throws Exception {
    // Given
    ConclaveSettings settings = stack.prepare(SagaIT.sagaSettings(stack, "log-fields"));
    ListAppender<ILoggingEvent> agentLines = capture(AGENT_LOGGER);
    ListAppender<ILoggingEvent> coordinatorLines = capture("io.conclave.coordinator");
    try (InProcessConclave conclave =
        InProcessConclave.with(settings).agents(LoggingAgent::new).noProjections().start()) {
      StackClient client = conclave.client();
      var plan = Saga.step("fx-research", "gather", "undo").build().steps();

      // When: a task runs its step, then is submitted again
      client.submit("fields-1", "question", plan);
      assertThat(client.awaitEnd("saga-fields-1").status()).isEqualTo(SagaState.Status.COMPLETED);
      client.submit("fields-1", "question", plan);

      // Then
      Map<String, String> step = onlyLine(agentLines, "acting").getMDCPropertyMap();
      assertThat(step)
          .containsEntry("saga", "saga-fields-1")
          .containsEntry("task", "fields-1")
          .containsEntry("step", "0");
      assertThat(step.get("agent")).startsWith("fx-research-");
      eventually(
          () -> {
            Map<String, String> again =
                onlyLine(coordinatorLines, "submitted again").getMDCPropertyMap();
            assertThat(again)
                .containsEntry("saga", "saga-fields-1")
                .containsEntry("task", "fields-1");
            assertThat(again.get("shard")).containsOnlyDigits();
            assertThat(Long.parseLong(again.get("epoch"))).isPositive();
          });
    } finally {
      release(AGENT_LOGGER, agentLines);
      release("io.conclave.coordinator", coordinatorLines);
    }
  }

  private static ListAppender<ILoggingEvent> capture(String logger) {
    var appender = new ListAppender<ILoggingEvent>();
    appender.start();
    ((Logger) LoggerFactory.getLogger(logger)).addAppender(appender);
    return appender;
  }

  private static void release(String logger, ListAppender<ILoggingEvent> appender) {
    ((Logger) LoggerFactory.getLogger(logger)).detachAppender(appender);
    appender.stop();
  }

  private static ILoggingEvent onlyLine(ListAppender<ILoggingEvent> lines, String containing) {
    List<ILoggingEvent> found =
        List.copyOf(lines.list).stream()
            .filter(e -> e.getFormattedMessage().contains(containing))
            .toList();
    assertThat(found).hasSize(1);
    return found.get(0);
  }

  /** Logs a line from inside each step, as an agent's own code does, and completes it. */
  private static final class LoggingAgent implements Agent<Tally> {
    private final String type;

    LoggingAgent(String type) {
      this.type = type;
    }

    @Override
    public String type() {
      return type;
    }

    @Override
    public StateFold<Tally> fold() {
      return Tally.FOLD;
    }

    @Override
    public StepResult act(StepRequest request, AgentContext<Tally> context) {
      LoggerFactory.getLogger(AGENT_LOGGER).info("acting on {}", request.step().action());
      return new StepResult.Completed("done");
    }
  }
}
