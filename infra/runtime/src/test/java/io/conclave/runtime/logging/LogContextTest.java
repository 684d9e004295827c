package io.conclave.runtime.logging;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.runtime.logging.LogContext.Field;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class LogContextTest {
  @AfterEach
  void clear() {
    MDC.clear();
  }

  @Test
  void setsTheFieldsUntilClosed() {
    try (var fields = LogContext.open().with(Field.SAGA, "saga-1").with(Field.STEP, 2)) {
      assertThat(MDC.getCopyOfContextMap()).isEqualTo(Map.of("saga", "saga-1", "step", "2"));
    }

    assertThat(MDC.getCopyOfContextMap()).isNullOrEmpty();
  }

  @Test
  void anInnerContextGivesBackWhatTheOuterSet() {
    try (var outer = LogContext.open().with(Field.SHARD, 3).with(Field.SAGA, "saga-1")) {
      try (var inner = LogContext.open().with(Field.SAGA, "saga-2").with(Field.AGENT, "a-3")) {
        assertThat(MDC.get("saga")).isEqualTo("saga-2");
      }

      assertThat(MDC.getCopyOfContextMap()).isEqualTo(Map.of("shard", "3", "saga", "saga-1"));
    }
  }

  @Test
  void aNullValueLeavesTheFieldAsItIs() {
    MDC.put("task", "t-1");

    try (var fields = LogContext.open().with(Field.TASK, null)) {
      assertThat(MDC.get("task")).isEqualTo("t-1");
    }

    assertThat(MDC.get("task")).isEqualTo("t-1");
  }
}
