package io.conclave.model.saga;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Laws of {@link SagaEvent.Seq}: the compacted saga-events topic keys events by (sagaId, seq). */
class SagaEventSeqTest {

  @Test
  void everyEventOfASagaHasItsOwnSeq() {
    qt().withExamples(1000)
        .forAll(integers().between(1, 20))
        .checkAssert(
            n -> {
              // given
              List<Long> seqs = allSeqs(n);

              // then: started, n step results, one end and n compensations
              assertThat(seqs).hasSize(2 * n + 2).doesNotHaveDuplicates();
              assertThat(seqs).allSatisfy(seq -> assertThat(seq).isNotNegative());
            });
  }

  @Test
  void compensationsAreNumberedInTheReverseOrderTheyRunAfterTheEnd() {
    qt().withExamples(1000)
        .forAll(integers().between(1, 20))
        .checkAssert(
            n -> {
              // given
              List<Long> compensations = new ArrayList<>();
              for (int i = n - 1; i >= 0; i--) {
                compensations.add(SagaEvent.Seq.compensated(n, i));
              }

              // then
              assertThat(compensations).isSorted();
              assertThat(compensations.get(0)).isGreaterThan(SagaEvent.Seq.end(n));
              assertThat(SagaEvent.Seq.end(n)).isGreaterThan(SagaEvent.Seq.step(n - 1));
              assertThat(SagaEvent.Seq.step(0)).isGreaterThan(SagaEvent.Seq.started());
            });
  }

  @Test
  void aTwoStepSagaIsNumberedAsDocumented() {
    // then
    assertThat(allSeqs(2)).containsExactly(0L, 1L, 2L, 3L, 5L, 4L);
  }

  private static List<Long> allSeqs(int n) {
    List<Long> seqs = new ArrayList<>();
    seqs.add(SagaEvent.Seq.started());
    for (int i = 0; i < n; i++) {
      seqs.add(SagaEvent.Seq.step(i));
    }
    seqs.add(SagaEvent.Seq.end(n));
    for (int i = 0; i < n; i++) {
      seqs.add(SagaEvent.Seq.compensated(n, i));
    }
    return seqs;
  }
}
