package io.conclave.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * A client of the HTTP API as a user's would be: it submits tasks ({@code POST /tasks} with a
 * token) and sees each one end by asking for it ({@code GET /tasks/{id}}) until its saga has ended
 * (COMPLETED, COMPENSATED or FAILED), over keep-alive connections.
 *
 * <ul>
 *   <li>Submissions are sent asynchronously, so that a slow answer to one delays neither the next
 *       nor the polling. A 429 or 503 is counted and the submission sent again after its {@code
 *       Retry-After}.
 *   <li>The ids in flight are asked for round-robin, oldest first, one request at a time: the fewer
 *       in flight, the sooner each is asked again, so a latency is late by at most one round of
 *       requests. An id younger than most of the shortest recent latency is not asked for yet:
 *       under a saturating load every saga takes seconds, and asking for each many times before it
 *       can have ended would cost the projections (and this JVM) the CPU the sagas need.
 * </ul>
 *
 * <p>Driven by one thread (the submissions' answers come on the HTTP client's): not thread-safe.
 */
final class TaskLoad {
  private static final Set<String> ENDED = Set.of("COMPLETED", "COMPENSATED", "FAILED");
  private static final Duration TIMEOUT = Duration.ofMinutes(5);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** How many recent latencies the shortest is taken over. */
  private static final int RECENT = 32;

  /**
   * The share of the shortest recent latency an id must have been in flight before it is asked for.
   */
  private static final double NOT_BEFORE = 0.8;

  /**
   * What a stretch of the load saw.
   *
   * @param sagas sagas that ended in it
   * @param seconds how long it took
   * @param latencies each saga's time from submission until {@code GET /tasks/{id}} showed it
   *     ended, ms
   * @param statuses how many ended in each status
   * @param refused submissions answered 429 or 503
   * @param polls {@code GET /tasks/{id}} requests sent
   */
  record Stretch(
      int sagas,
      double seconds,
      List<Double> latencies,
      Map<String, Integer> statuses,
      int refused,
      int polls) {
    Stretch {
      latencies = List.copyOf(latencies);
      statuses = Map.copyOf(statuses);
    }

    double perSecond() {
      return sagas / seconds;
    }

    double pollsPerSaga() {
      return (double) polls / sagas;
    }
  }

  /** A submission the API accepted: its latency counts from {@code countsFrom} (nanoTime). */
  private record Accepted(String id, long countsFrom) {}

  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private final String base;
  private final String token;
  private final String run;
  private final long pauseNanos;

  /**
   * The ids in flight, in the order they were accepted, with the nanoTime their latency counts
   * from.
   */
  private final Map<String, Long> inFlight = new LinkedHashMap<>();

  /** Accepted on the client's threads, not yet in {@link #inFlight}. */
  private final Queue<Accepted> accepted = new ConcurrentLinkedQueue<>();

  /** Submissions sent and not answered 202 yet. */
  private final AtomicInteger pending = new AtomicInteger();

  private final AtomicInteger refused = new AtomicInteger();
  private final AtomicReference<RuntimeException> failure = new AtomicReference<>();

  /** The latest latencies, ns, newest last. */
  private final ArrayDeque<Long> recent = new ArrayDeque<>();

  private int submitted;
  private int polls;

  /**
   * @param base the HTTP API, e.g. {@code http://127.0.0.1:8080}
   * @param token a token that may submit tasks
   * @param run what the task ids start with, so that runs on one stack do not reuse ids
   * @param pause how long to wait after each {@code GET}: it bounds the requests a second
   */
  TaskLoad(String base, String token, String run, Duration pause) {
    this.base = base;
    this.token = token;
    this.run = run;
    this.pauseNanos = pause.toNanos();
  }

  /**
   * Keeps {@code inFlight} sagas in flight, a new one submitted as each ends, until {@code sagas}
   * have ended; the sagas still in flight then stay so, for the next stretch.
   */
  Stretch closedLoop(int sagas, int inFlight) throws IOException, InterruptedException {
    Tally tally = new Tally();
    Runnable topUp =
        () -> {
          while (this.inFlight.size() + accepted.size() + pending.get() < inFlight) {
            submit(System.nanoTime());
          }
        };
    while (tally.ended < sagas) {
      topUp.run();
      pollRound(tally, topUp);
    }
    return tally.stretch();
  }

  /**
   * Submits {@code sagas} at {@code perSecond} whatever the answers (open loop), then waits for
   * every saga in flight to end; each latency counts from when its submission was due, so that a
   * late submission is the system's lateness.
   */
  Stretch openLoop(int sagas, double perSecond) throws IOException, InterruptedException {
    Tally tally = new Tally();
    long period = (long) (1e9 / perSecond);
    long t0 = System.nanoTime();
    int[] next = {0};
    Runnable due =
        () -> {
          while (next[0] < sagas && System.nanoTime() - t0 >= next[0] * period) {
            submit(t0 + next[0]++ * period);
          }
        };
    while (next[0] < sagas || !idle()) {
      due.run();
      pollRound(tally, due);
      if (idle() && next[0] < sagas) {
        LockSupport.parkNanos(Math.max(0, t0 + next[0] * period - System.nanoTime()));
      }
    }
    return tally.stretch();
  }

  /** Waits for every saga in flight to end, without counting them. */
  void drain() throws IOException, InterruptedException {
    Tally ignored = new Tally();
    while (!idle()) {
      pollRound(ignored, () -> {});
    }
  }

  private boolean idle() {
    return inFlight.isEmpty() && accepted.isEmpty() && pending.get() == 0;
  }

  /**
   * Asks for each saga in flight old enough once, oldest first; {@code between} runs after each
   * request.
   */
  private void pollRound(Tally tally, Runnable between) throws IOException, InterruptedException {
    for (Accepted a = accepted.poll(); a != null; a = accepted.poll()) {
      inFlight.put(a.id(), a.countsFrom());
    }
    RuntimeException failed = failure.get();
    if (failed != null) {
      throw failed;
    }
    long notBefore =
        (long) (NOT_BEFORE * recent.stream().mapToLong(Long::longValue).min().orElse(0));
    long now = System.nanoTime();
    List<String> round = new ArrayList<>();
    inFlight.forEach(
        (id, from) -> {
          if (now - from >= notBefore) {
            round.add(id);
          }
        });
    for (String id : round) {
      HttpResponse<String> answer =
          client.send(request("/tasks/" + id).GET().build(), HttpResponse.BodyHandlers.ofString());
      polls++;
      // 404: the projections have not read the submission yet; 503: they are rebalancing
      if (answer.statusCode() == 200) {
        String status = JSON.readTree(answer.body()).path("status").asText();
        if (ENDED.contains(status)) {
          ended(tally, status, System.nanoTime() - inFlight.remove(id));
        }
      } else if (answer.statusCode() != 404 && answer.statusCode() != 503) {
        throw new IllegalStateException(
            "GET /tasks/" + id + " answered " + answer.statusCode() + ": " + answer.body());
      }
      between.run();
      LockSupport.parkNanos(pauseNanos);
    }
    inFlight.values().stream()
        .findFirst()
        .filter(from -> System.nanoTime() - from > TIMEOUT.toNanos())
        .ifPresent(
            from -> {
              throw new IllegalStateException(
                  "a saga did not end within "
                      + TIMEOUT
                      + " of its submission ("
                      + inFlight.size()
                      + " in flight)");
            });
    if (round.isEmpty()) {
      Thread.sleep(1); // nothing to ask for yet: no busy loop
    }
  }

  private void ended(Tally tally, String status, long latency) {
    tally.ended(status, latency);
    recent.addLast(latency);
    if (recent.size() > RECENT) {
      recent.removeFirst();
    }
  }

  /** Sends a submission; its answer comes on the client's threads. */
  private void submit(long countsFrom) {
    String id = run + "-" + submitted++;
    String body;
    try {
      body = JSON.writeValueAsString(Map.of("taskId", id, "prompt", "system benchmark task " + id));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    pending.incrementAndGet();
    send(id, body, countsFrom);
  }

  private void send(String id, String body, long countsFrom) {
    client
        .sendAsync(
            request("/tasks")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .whenComplete(
            (answer, error) -> {
              if (error != null) {
                failure.compareAndSet(
                    null, new IllegalStateException("POST /tasks failed: " + error, error));
              } else if (answer.statusCode() == 202) {
                accepted.add(new Accepted(id, countsFrom));
                pending.decrementAndGet();
              } else if (answer.statusCode() == 429 || answer.statusCode() == 503) {
                refused.incrementAndGet();
                long seconds =
                    answer.headers().firstValue("Retry-After").map(TaskLoad::seconds).orElse(1L);
                CompletableFuture.delayedExecutor(seconds, TimeUnit.SECONDS)
                    .execute(() -> send(id, body, countsFrom));
              } else {
                failure.compareAndSet(
                    null,
                    new IllegalStateException(
                        "POST /tasks answered " + answer.statusCode() + ": " + answer.body()));
              }
            });
  }

  private static long seconds(String retryAfter) {
    try {
      return Math.max(0, Long.parseLong(retryAfter.trim()));
    } catch (NumberFormatException e) {
      return 1; // an HTTP date: not what the API sends; a second is as good a guess
    }
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(base + path))
        .header("Authorization", "Bearer " + token)
        .timeout(Duration.ofSeconds(30));
  }

  /** The sagas that ended in a stretch so far. */
  private final class Tally {
    private final long t0 = System.nanoTime();
    private final int refusedBefore = refused.get();
    private final int pollsBefore = polls;
    private final List<Double> latencies = new ArrayList<>();
    private final Map<String, Integer> statuses = new TreeMap<>();
    private int ended;

    void ended(String status, long nanos) {
      ended++;
      latencies.add(nanos / 1e6);
      statuses.merge(status, 1, Integer::sum);
    }

    Stretch stretch() {
      return new Stretch(
          ended,
          (System.nanoTime() - t0) / 1e9,
          latencies,
          statuses,
          refused.get() - refusedBefore,
          polls - pollsBefore);
    }
  }
}
