package io.conclave.projections.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.conclave.projections.http.Backpressure.Admission;
import io.conclave.projections.http.Backpressure.Backlog;
import io.conclave.runtime.env.EnvironmentLookup;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * When a submission is refused, and the Retry-After it is told: from the backlog and the bound
 * alone.
 */
class BackpressureTest {
  private static final Duration SECOND = Duration.ofSeconds(1);
  private final Backpressure bound = new Backpressure(100, SECOND);

  @Test
  void aBacklogUpToTheBoundIsAccepted() {
    assertThat(bound.decide(new Backlog.Known(0))).isInstanceOf(Admission.Accept.class);
    assertThat(bound.decide(new Backlog.Known(100))).isInstanceOf(Admission.Accept.class);
  }

  @Test
  void aBacklogOverTheBoundIsRefusedSayingBoth() {
    Admission a = bound.decide(new Backlog.Known(101));

    assertThat(a).isInstanceOf(Admission.Refuse.class);
    Admission.Refuse refuse = (Admission.Refuse) a;
    assertThat(refuse.reason())
        .contains("101 records", "bound of 100", "conclave.api.max-backlog", "nothing was written");
    assertThat(refuse.retryAfter()).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void retryAfterGrowsWithTheOverloadUpToThirtySeconds() {
    assertThat(retryAfter(bound, 250)).isEqualTo(Duration.ofSeconds(3));
    assertThat(retryAfter(bound, 1_000)).isEqualTo(Duration.ofSeconds(10));
    assertThat(retryAfter(bound, 1_000_000)).isEqualTo(Backpressure.MAX_RETRY_AFTER);
  }

  @Test
  void retryAfterIsNeverBeforeTheNextMeasure() {
    Backpressure slow = new Backpressure(100, Duration.ofMillis(7_500));

    assertThat(retryAfter(slow, 101)).isEqualTo(Duration.ofSeconds(8));
    assertThat(retryAfter(new Backpressure(100, Duration.ofMillis(10)), 101))
        .isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void anUnknownBacklogIsNeverAReasonToRefuse() {
    assertThat(new Backpressure(1, SECOND).decide(new Backlog.Unknown()))
        .isInstanceOf(Admission.Accept.class);
  }

  @Test
  void noBoundAcceptsEverything() {
    Backpressure unbounded = new Backpressure(0, SECOND);

    assertThat(unbounded.bounded()).isFalse();
    assertThat(unbounded.decide(new Backlog.Known(Long.MAX_VALUE)))
        .isInstanceOf(Admission.Accept.class);
  }

  @Test
  void settingsHaveDefaultsAndAreChecked() {
    assertThat(Backpressure.from(new EnvironmentLookup(Map.of(), Map.of())))
        .isEqualTo(new Backpressure(5000, SECOND));
    assertThat(
            Backpressure.from(
                new EnvironmentLookup(
                    Map.of("CONCLAVE_API_MAX_BACKLOG", "7"),
                    Map.of("conclave.api.backlog-refresh-ms", "250"))))
        .isEqualTo(new Backpressure(7, Duration.ofMillis(250)));
    assertThatThrownBy(() -> new Backpressure(-1, SECOND))
        .hasMessageContaining("conclave.api.max-backlog");
    assertThatThrownBy(() -> new Backpressure(1, Duration.ZERO))
        .hasMessageContaining("conclave.api.backlog-refresh-ms");
  }

  private static Duration retryAfter(Backpressure bound, long backlog) {
    return ((Admission.Refuse) bound.decide(new Backlog.Known(backlog))).retryAfter();
  }
}
