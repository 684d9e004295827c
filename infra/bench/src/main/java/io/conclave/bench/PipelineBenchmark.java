package io.conclave.bench;

import io.conclave.models.OfflineModel;
import io.conclave.models.ResilientModel;
import io.conclave.runtime.resilience.CallPipeline;
import io.conclave.runtime.resilience.CallPolicy;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * What the Failsafe pipeline of a model adds to each call (JMH; run by {@code conclave bench
 * pipeline}): the same instant offline model asked directly and through its {@link ResilientModel}
 * (retry, circuit breaker, bulkhead, timeout, metrics), all of which admit the call.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PipelineBenchmark {
  private final OfflineModel model = OfflineModel.instant();
  private final ResilientModel resilient =
      new ResilientModel(
          model,
          "bench",
          new CallPipeline("model:offline/bench", CallPolicy.DEFAULTS, (name, from, to) -> {}),
          Optional.empty());
  private int n;

  private String prompt() {
    return "prompt " + (n++ & 1023);
  }

  @Benchmark
  public String direct() {
    return model.complete(prompt());
  }

  @Benchmark
  public String throughPipeline() {
    return resilient.complete(prompt());
  }
}
