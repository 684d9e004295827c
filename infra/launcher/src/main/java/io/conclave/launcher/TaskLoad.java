package io.conclave.launcher;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.locks.LockSupport;

/**
 * A client of the HTTP API as a user's would be: it submits tasks ({@code POST /tasks} with a token) and sees each one
 * end by asking for it ({@code GET /tasks/{id}}) until its saga has ended (COMPLETED, COMPENSATED or FAILED), over one
 * keep-alive connection. The ids in flight are asked round-robin, oldest first, one request at a time: the fewer in
 * flight, the sooner each is asked again, so a latency is late by at most one round of requests. An id younger than
 * most of the shortest recent latency is not asked for yet: under a saturating load every saga takes seconds, and
 * asking for each of them many times before it can have ended would cost the projections (and this JVM) the CPU the
 * sagas need. A 429 or 503 to a submission is counted and the submission sent again after its
 * {@code Retry-After}.
 *
 * <p>One thread: not thread-safe.
 */
final class TaskLoad {
  private static final Set<String> ENDED = Set.of("COMPLETED", "COMPENSATED", "FAILED");
  private static final Duration TIMEOUT = Duration.ofMinutes(5);
  private static final ObjectMapper JSON = new ObjectMapper();
  /** How many recent latencies the shortest is taken over. */
  private static final int RECENT = 32;
  /** The share of the shortest recent latency an id must have been in flight before it is asked for. */
  private static final double NOT_BEFORE = 0.8;

  /**
   * What a stretch of the load saw.
   *
   * @param sagas     sagas that ended in it
   * @param seconds   how long it took
   * @param latencies each saga's time from submission until {@code GET /tasks/{id}} showed it ended, ms
   * @param statuses  how many ended in each status
   * @param refused   submissions answered 429 or 503
   * @param polls     {@code GET /tasks/{id}} requests sent
   */
  record Stretch(int sagas, double seconds, List<Double> latencies, Map<String, Integer> statuses, int refused,
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

  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;
  private final String token;
  private final String run;
  private final long pauseNanos;
  /** The ids in flight, oldest first, with the nanoTime their latency counts from. */
  private final Map<String, Long> inFlight = new LinkedHashMap<>();
  /** The latest latencies, ns, newest last. */
  private final ArrayDeque<Long> recent = new ArrayDeque<>();
  private int submitted;
  private int refused;
  private int polls;

  /**
   * @param base  the HTTP API, e.g. {@code http://127.0.0.1:8080}
   * @param token a token that may submit tasks
   * @param run   what the task ids start with, so that runs on one stack do not reuse ids
   * @param pause how long to wait after each {@code GET}: it bounds the requests a second, which cost the
   *              projections the CPU the sagas need too
   */
  TaskLoad(String base, String token, String run, Duration pause) {
    this.base = base;
    this.token = token;
    this.run = run;
    this.pauseNanos = pause.toNanos();
  }

  /**
   * Keeps {@code inFlight} sagas in flight, a new one submitted as each ends, until {@code sagas} have ended; the
   * sagas still in flight then stay so, for the next stretch.
   */
  Stretch closedLoop(int sagas, int inFlight) throws IOException, InterruptedException {
    Tally tally = new Tally();
    while (tally.ended < sagas) {
      while (this.inFlight.size() < inFlight) {
        submit(System.nanoTime());
      }
      pollRound(tally, () -> {
        while (this.inFlight.size() < inFlight) {
          submit(System.nanoTime());
        }
      });
    }
    return tally.stretch();
  }

  /**
   * Submits {@code sagas} at {@code perSecond} whatever the answers (open loop), then waits for every saga in flight to
   * end; each latency counts from when its submission was due, so that a late submission is the system's lateness.
   */
  Stretch openLoop(int sagas, double perSecond) throws IOException, InterruptedException {
    Tally tally = new Tally();
    long period = (long) (1e9 / perSecond);
    long t0 = System.nanoTime();
    int[] next = {0};
    Submitter due = () -> {
      while (next[0] < sagas && System.nanoTime() - t0 >= next[0] * period) {
        submit(t0 + next[0]++ * period);
      }
    };
    while (next[0] < sagas || !inFlight.isEmpty()) {
      due.run();
      pollRound(tally, due);
      if (inFlight.isEmpty() && next[0] < sagas) {
        LockSupport.parkNanos(Math.max(0, t0 + next[0] * period - System.nanoTime()));
      }
    }
    return tally.stretch();
  }

  /** Waits for every saga in flight to end, without counting them. */
  void drain() throws IOException, InterruptedException {
    Tally ignored = new Tally();
    while (!inFlight.isEmpty()) {
      pollRound(ignored, () -> { });
    }
  }

  /** What may submit between two requests of a round. */
  private interface Submitter {
    void run() throws IOException, InterruptedException;
  }

  /** Asks for each saga in flight once, oldest first; {@code between} runs after each request. */
  private void pollRound(Tally tally, Submitter between) throws IOException, InterruptedException {
    long notBefore = (long) (NOT_BEFORE * recent.stream().mapToLong(Long::longValue).min().orElse(0));
    List<String> round = new ArrayList<>();
    long now = System.nanoTime();
    for (Map.Entry<String, Long> e : inFlight.entrySet()) {
      if (now - e.getValue() < notBefore) {
        break; // oldest first: the rest are younger still
      }
      round.add(e.getKey());
    }
    for (String id : round) {
      HttpResponse<String> answer = client.send(request("/tasks/" + id).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      polls++;
      // 404: the projections have not read the submission yet; 503: they are rebalancing
      if (answer.statusCode() == 200) {
        String status = JSON.readTree(answer.body()).path("status").asText();
        if (ENDED.contains(status)) {
          long latency = System.nanoTime() - inFlight.remove(id);
          tally.ended(status, latency);
          recent.addLast(latency);
          if (recent.size() > RECENT) {
            recent.removeFirst();
          }
        }
      } else if (answer.statusCode() != 404 && answer.statusCode() != 503) {
        throw new IllegalStateException("GET /tasks/" + id + " answered " + answer.statusCode() + ": "
            + answer.body());
      }
      between.run();
      LockSupport.parkNanos(pauseNanos);
    }
    Iterator<Long> oldest = inFlight.values().iterator();
    if (oldest.hasNext() && System.nanoTime() - oldest.next() > TIMEOUT.toNanos()) {
      throw new IllegalStateException("a saga did not end within " + TIMEOUT + " of its submission ("
          + inFlight.size() + " in flight)");
    }
    if (round.isEmpty()) {
      Thread.sleep(1); // nothing in flight (an open loop between submissions): no busy loop
    }
  }

  private void submit(long countsFrom) throws IOException, InterruptedException {
    String id = run + "-" + submitted;
    String body = JSON.writeValueAsString(Map.of("taskId", id, "prompt", "system benchmark task " + submitted));
    while (true) {
      HttpResponse<String> answer = client.send(request("/tasks").header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
      if (answer.statusCode() == 202) {
        break;
      }
      if (answer.statusCode() != 429 && answer.statusCode() != 503) {
        throw new IllegalStateException("POST /tasks answered " + answer.statusCode() + ": " + answer.body());
      }
      refused++;
      long seconds = answer.headers().firstValue("Retry-After").map(TaskLoad::seconds).orElse(1L);
      Thread.sleep(Duration.ofSeconds(seconds).toMillis());
    }
    inFlight.put(id, countsFrom);
    submitted++;
  }

  private static long seconds(String retryAfter) {
    try {
      return Math.max(0, Long.parseLong(retryAfter.trim()));
    } catch (NumberFormatException e) {
      return 1; // an HTTP date: not what the API sends; a second is as good a guess
    }
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + token)
        .timeout(Duration.ofSeconds(30));
  }

  /** The sagas that ended in a stretch so far. */
  private final class Tally {
    private final long t0 = System.nanoTime();
    private final int refusedBefore = refused;
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
      return new Stretch(ended, (System.nanoTime() - t0) / 1e9, latencies, statuses, refused - refusedBefore,
          polls - pollsBefore);
    }
  }
}
