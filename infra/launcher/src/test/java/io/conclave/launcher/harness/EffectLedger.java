package io.conclave.launcher.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * A stand-in for a system outside Kafka that agents act on (a booking service, a payment API):
 * every effect is a line {@code <idempotency key>\t<what>} appended to a file, so that the tests
 * can see every attempt, across processes, in the order they happened. A real such system applies
 * an effect once per key.
 */
public final class EffectLedger {
  /** The system property naming the ledger file; without it, effects are not recorded. */
  public static final String PROPERTY = "conclave.test.effect-ledger";

  private EffectLedger() {}

  /** An effect performed once per key by a system that honours idempotency keys. */
  public record Effect(String key, String what) {}

  public static synchronized void record(String key, String what) {
    String file = System.getProperty(PROPERTY);
    if (file == null) {
      return;
    }
    try {
      Files.writeString(
          Path.of(file),
          key + "\t" + what + "\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND,
          StandardOpenOption.SYNC);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static List<Effect> read(Path file) throws IOException {
    if (!Files.exists(file)) {
      return List.of();
    }
    return Files.readAllLines(file, StandardCharsets.UTF_8).stream()
        .filter(l -> !l.isBlank())
        .map(l -> l.split("\t", 2))
        .map(p -> new Effect(p[0], p[1]))
        .toList();
  }
}
