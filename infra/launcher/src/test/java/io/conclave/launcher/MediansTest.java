package io.conclave.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The percentiles the benchmarks print. */
class MediansTest {
  @Test
  void theMedianIsTheMiddleValueOrTheMeanOfTheTwoMiddleOnes() {
    assertThat(Medians.of(List.of(5, 1, 3))).isEqualTo(3.0);
    assertThat(Medians.of(List.of(4, 1, 3, 2))).isEqualTo(2.5);
  }

  @Test
  void percentilesInterpolateBetweenTheNearestRanks() {
    List<Integer> oneToThousand = IntStream.rangeClosed(1, 1000).boxed().toList();
    assertThat(Medians.percentile(oneToThousand, 0)).isEqualTo(1.0);
    assertThat(Medians.percentile(oneToThousand, 1)).isEqualTo(1000.0);
    assertThat(Medians.percentile(oneToThousand, 0.99)).isCloseTo(990.01, within(1e-9));
    assertThat(Medians.percentile(oneToThousand, 0.999)).isCloseTo(999.001, within(1e-9));
    assertThat(Medians.percentile(List.of(7.5), 0.999)).isEqualTo(7.5);
  }

  @Test
  void noValuesOrAQuantileOutsideZeroToOneIsRefused() {
    assertThatThrownBy(() -> Medians.of(List.of())).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Medians.percentile(List.of(1), 1.5))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
