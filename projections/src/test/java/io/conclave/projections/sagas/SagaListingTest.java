package io.conclave.projections.sagas;

import static org.assertj.core.api.Assertions.assertThat;

import io.conclave.model.saga.SagaState;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The parts of a saga listing over several instances: the query each is asked, and the merge of
 * their pages.
 */
class SagaListingTest {
  @Test
  void theQueryAskedOfAnotherInstanceReadsBackAsTheSameQuery() {
    for (SagaQuery query :
        List.of(
            SagaQuery.parse(null, null),
            SagaQuery.parse("Compensated", "7"),
            SagaQuery.parse("running", "5000"))) {
      String[] parameters = query.parameters().split("&");
      String status = null;
      String limit = null;
      for (String parameter : parameters) {
        String[] kv = parameter.split("=", 2);
        if (kv[0].equals("status")) {
          status = kv[1];
        } else {
          limit = kv[1];
        }
      }
      assertThat(SagaQuery.parse(status, limit)).isEqualTo(query);
    }
    assertThat(SagaQuery.parse("compensated", "7").status())
        .isEqualTo(Optional.of(SagaState.Status.COMPENSATED));
  }

  @Test
  void pagesMergeByTaskIdUpToTheLimit() {
    var a = summary("task-a");
    var b = summary("task-b");
    var c = summary("task-c");
    var d = summary("task-d");

    assertThat(SagaSummary.merge(List.of(List.of(b, d), List.of(a, c)), 3))
        .containsExactly(a, b, c);
    assertThat(SagaSummary.merge(List.of(List.of(b), List.of(), List.of(a)), 10))
        .containsExactly(a, b);
    assertThat(SagaSummary.merge(List.of(), 10)).isEmpty();
  }

  private static SagaSummary summary(String taskId) {
    return new SagaSummary("saga-" + taskId, taskId, "COMPLETED", null, null, null, null);
  }
}
