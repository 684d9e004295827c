package io.conclave.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.conclave.launcher.Medians;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.DoublePredicate;

/**
 * One figure of a benchmark run: Conclave's measurement over the repetitions, raw Kafka's measured
 * the same way in the same run when there is a baseline, their ratio (Conclave's median over raw
 * Kafka's), and its target (docs/benchmarks.md).
 *
 * @param scenario the benchmark that measured it ({@code saga}, {@code eventlog}, ...)
 */
record BenchFigure(
    String scenario,
    String name,
    String unit,
    Stats conclave,
    Optional<Stats> raw,
    Optional<Target> target) {

  /** One figure over the repetitions. */
  record Stats(double median, double min, double max, List<Double> repetitions) {
    static Stats of(Collection<? extends Number> values) {
      List<Double> all = values.stream().map(Number::doubleValue).toList();
      return new Stats(Medians.of(all), Collections.min(all), Collections.max(all), all);
    }
  }

  /** A target: on Conclave's median, or on the ratio to raw Kafka. */
  record Target(String text, boolean onRatio, DoublePredicate met) {
    static Target ratioAtLeast(double ratio) {
      return new Target("ratio >= " + ratio, true, r -> r >= ratio);
    }

    static Target atMost(double value, String unit) {
      return new Target("conclave <= " + trim(value) + " " + unit, false, v -> v <= value);
    }

    static Target atLeast(double value, String unit) {
      return new Target("conclave >= " + trim(value) + " " + unit, false, v -> v >= value);
    }

    private static String trim(double value) {
      return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }
  }

  /** A figure measured beside raw Kafka. */
  static BenchFigure compared(
      String scenario,
      String name,
      String unit,
      Collection<? extends Number> conclave,
      Collection<? extends Number> raw,
      Optional<Target> target) {
    return new BenchFigure(
        scenario, name, unit, Stats.of(conclave), Optional.of(Stats.of(raw)), target);
  }

  /** A figure without a raw Kafka baseline. */
  static BenchFigure alone(
      String scenario,
      String name,
      String unit,
      Collection<? extends Number> values,
      Optional<Target> target) {
    return new BenchFigure(scenario, name, unit, Stats.of(values), Optional.empty(), target);
  }

  Optional<Double> ratio() {
    return raw.map(r -> conclave.median() / r.median());
  }

  /**
   * Whether the target is met; empty without a target (or a target on the ratio without a
   * baseline).
   */
  Optional<Boolean> met() {
    return target.flatMap(
        t ->
            t.onRatio()
                ? ratio().map(r -> t.met().test(r))
                : Optional.of(t.met().test(conclave.median())));
  }

  /** The target with whether it is met, for a table. */
  String targetText() {
    return target
        .map(t -> t.text() + met().map(m -> m ? " (met)" : " (missed)").orElse(""))
        .orElse("");
  }

  /**
   * A figure as {@link #asJson} wrote it, its target's verdict kept as written (the target's rule
   * is not in the JSON).
   */
  static BenchFigure fromJson(JsonNode node) {
    Optional<Target> target =
        node.has("target")
            ? Optional.of(
                new Target(node.path("target").asText(), false, v -> node.path("met").asBoolean()))
            : Optional.empty();
    return new BenchFigure(
        node.path("scenario").asText(),
        node.path("figure").asText(),
        node.path("unit").asText(),
        stats(node.path("conclave")),
        node.has("raw") ? Optional.of(stats(node.path("raw"))) : Optional.empty(),
        target);
  }

  private static Stats stats(JsonNode node) {
    List<Double> repetitions = new ArrayList<>();
    node.path("repetitions").forEach(v -> repetitions.add(v.asDouble()));
    return new Stats(
        node.path("median").asDouble(),
        node.path("min").asDouble(),
        node.path("max").asDouble(),
        repetitions);
  }

  Map<String, Object> asJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("scenario", scenario);
    m.put("figure", name);
    m.put("unit", unit);
    m.put("conclave", conclave);
    raw.ifPresent(r -> m.put("raw", r));
    ratio().ifPresent(r -> m.put("ratio", r));
    target.ifPresent(t -> m.put("target", t.text()));
    met().ifPresent(met -> m.put("met", met));
    return m;
  }
}
