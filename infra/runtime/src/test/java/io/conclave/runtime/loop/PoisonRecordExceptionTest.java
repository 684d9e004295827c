package io.conclave.runtime.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.conclave.model.MissingFieldException;
import io.conclave.model.cluster.TaskSubmission;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Which failures of reading a record into the domain make the record poison, and what its dead
 * letter reports.
 */
class PoisonRecordExceptionTest {
  @Test
  void theDomainsRejectionOfARecordIsPoisonReportedAsTheDomainThrewIt() {
    // when / then: a rule broken, and a required field missing (Require.present)
    assertThatThrownBy(
            () ->
                PoisonRecordException.ifRejected(
                    () -> new TaskSubmission("task-1", " ", Instant.EPOCH)))
        .isInstanceOfSatisfying(
            PoisonRecordException.class,
            e ->
                assertThat(e.reported())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("prompt must not be blank"));
    assertThatThrownBy(
            () ->
                PoisonRecordException.ifRejected(
                    () -> new TaskSubmission("task-1", null, Instant.EPOCH)))
        .isInstanceOfSatisfying(
            PoisonRecordException.class,
            e ->
                assertThat(e.reported())
                    .isInstanceOf(MissingFieldException.class)
                    .hasMessage("prompt is required"));
  }

  @Test
  void aNullPointerExceptionOfABugIsNotPoison() {
    String missing = null;

    // when / then
    assertThatThrownBy(() -> PoisonRecordException.ifRejected(() -> missing.length()))
        .isExactlyInstanceOf(NullPointerException.class);
  }

  @Test
  void aPoisonRecordExceptionThrownAsSuchReportsItself() {
    var poison = new PoisonRecordException("not a task");

    assertThat(poison.reported()).isSameAs(poison);
  }
}
