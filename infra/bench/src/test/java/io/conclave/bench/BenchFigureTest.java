package io.conclave.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A benchmark figure's ratio, its target's verdict, and the peak memory read from /proc. */
class BenchFigureTest {
  @Test
  void theRatioIsConclavesMedianOverRawKafkasAndATargetJudgesTheMedianOrTheRatio() {
    var append =
        BenchFigure.compared(
            "eventlog",
            "append",
            "decisions/s",
            List.of(80, 90, 100),
            List.of(100, 100, 120),
            Optional.of(BenchFigure.Target.ratioAtLeast(0.8)));
    assertThat(append.conclave().median()).isEqualTo(90);
    assertThat(append.ratio()).hasValue(0.9);
    assertThat(append.met()).contains(true);
    assertThat(append.targetText()).isEqualTo("ratio >= 0.8 (met)");

    var latency =
        BenchFigure.alone(
            "saga",
            "latency p50",
            "ms",
            List.of(31, 35, 29),
            Optional.of(BenchFigure.Target.atMost(30, "ms")));
    assertThat(latency.ratio()).isEmpty();
    assertThat(latency.met()).contains(false);
    assertThat(latency.asJson())
        .containsEntry("target", "conclave <= 30 ms")
        .containsEntry("met", false)
        .doesNotContainKeys("raw", "ratio");

    assertThat(
            BenchFigure.alone("scale", "1 worker", "sagas/s", List.of(12.5), Optional.empty())
                .met())
        .isEmpty();
  }

  @Test
  void thePeakResidentSetIsReadFromProcStatus() {
    assertThat(
            PeakMemory.ofStatus(
                List.of(
                    "Name:\tjava",
                    "VmPeak:\t 4000000 kB",
                    "VmHWM:\t  262144 kB",
                    "VmRSS:\t  200000 kB")))
        .contains(256.0);
    assertThat(PeakMemory.ofStatus(List.of("Name:\tjava"))).isEmpty();
    assertThat(PeakMemory.ofProcess(ProcessHandle.current().pid())).isPresent();
  }

  @Test
  void howBusyTheCoresWereIsReadFromProcStat() {
    CpuTimes before =
        CpuTimes.parse(List.of("cpu  100 0 50 800 50 0 0 0 0 0", "cpu0 50 0 25 400 25 0 0 0 0 0"))
            .orElseThrow();
    CpuTimes after = CpuTimes.parse(List.of("cpu  250 0 100 850 50 0 0 0 0 0")).orElseThrow();

    assertThat(before).isEqualTo(new CpuTimes(150, 850));
    assertThat(after.busySince(before)).isEqualTo(0.8); // 200 busy ticks of 250
    assertThat(after.busySince(after)).isZero();
    assertThat(CpuTimes.parse(List.of("intr 1 2 3"))).isEmpty();
  }
}
