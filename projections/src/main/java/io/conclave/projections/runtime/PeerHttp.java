package io.conclave.projections.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.conclave.projections.http.AdvertisedAddress;
import io.conclave.projections.http.ApiError;
import io.conclave.projections.http.ProjectionUnavailableException;
import io.micronaut.http.context.ServerRequestContext;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP requests one projections instance makes to another ({@link HttpClient}): a {@code GET}
 * marked with the {@value #FORWARDED} header (its value: this instance's address, for the peer's
 * logs), which makes the peer answer from its own partitions or 503, never forward again. A peer's
 * part of a listing names the partitions it read in the {@value #PARTITIONS} header. Each request
 * times out after {@code conclave.knowledge.forward-timeout}; one that cannot reach the peer is
 * logged (one line when the peer's outage starts, one when it ends) and is {@link
 * ProjectionUnavailableException} (503). Thread-safe.
 */
@Singleton
public final class PeerHttp {
  public static final String FORWARDED = "X-Conclave-Forwarded";
  public static final String PARTITIONS = "X-Conclave-Partitions";

  /** How long to wait before retrying when a peer could not be reached or failed. */
  static final Duration RETRY_UNREACHABLE = Duration.ofSeconds(2);

  private static final Logger log = LoggerFactory.getLogger(PeerHttp.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Duration timeout;

  /**
   * Peers whose last request failed to reach them: an outage is logged when it starts and when it
   * ends.
   */
  private final Set<HostInfo> unreachable = ConcurrentHashMap.newKeySet();

  private final ExecutorService executor;
  private final HttpClient client;

  @Inject
  PeerHttp(KnowledgeSettings settings) {
    this(settings.forwardTimeout());
  }

  public PeerHttp(Duration timeout) {
    this.timeout = timeout;
    // the client's own default executor is unbounded too; a named daemon pool shows up better in
    // thread dumps
    this.executor =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "projections-peers");
              t.setDaemon(true);
              return t;
            });
    this.client =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .executor(executor)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /**
   * A peer's answer: its status, body and the headers this protocol reads.
   *
   * @param partitions the {@value #PARTITIONS} header, if the peer sent one
   */
  public record Answer(
      HostInfo peer,
      int status,
      String body,
      Optional<String> retryAfter,
      Optional<String> partitions) {
    /**
     * What an answer other than the expected ones means: 400 a refused request, as it would be here
     * ({@link IllegalArgumentException}); 503 not now, with the peer's {@code Retry-After};
     * anything else a failure of the peer (503, logged).
     */
    public RuntimeException failure() {
      String message = message(body);
      if (status == 400) {
        return new IllegalArgumentException(message);
      }
      if (status == 503) {
        return new ProjectionUnavailableException(
            AdvertisedAddress.endpoint(peer) + " cannot answer now: " + message,
            null,
            retryAfterOf(retryAfter));
      }
      log.warn(
          "projections instance {} answered {}: {}",
          AdvertisedAddress.endpoint(peer),
          status,
          message);
      return new ProjectionUnavailableException(
          "the projections instance holding the data, "
              + AdvertisedAddress.endpoint(peer)
              + ", answered "
              + status
              + ": "
              + message
              + "; retry shortly",
          null,
          RETRY_UNREACHABLE);
    }

    /**
     * A 200 whose body or headers do not read as they should: a failure of the peer (503, logged).
     */
    public ProjectionUnavailableException unreadable(IllegalArgumentException e) {
      log.warn(
          "projections instance {} gave an unreadable answer: {}",
          AdvertisedAddress.endpoint(peer),
          e.getMessage());
      return new ProjectionUnavailableException(
          "the answer of the projections instance holding the data, "
              + AdvertisedAddress.endpoint(peer)
              + ", is unreadable ("
              + e.getMessage()
              + ")",
          e,
          RETRY_UNREACHABLE);
    }

    /**
     * The partitions the peer read. @throws IllegalArgumentException if the header is missing or
     * malformed
     */
    public Set<Integer> partitionsRead() {
      String header =
          partitions.orElseThrow(
              () -> new IllegalArgumentException("the " + PARTITIONS + " header is missing"));
      Set<Integer> out = new TreeSet<>();
      if (header.isBlank()) {
        return out;
      }
      for (String p : header.split(",", -1)) {
        try {
          int partition = Integer.parseInt(p.trim());
          if (partition < 0 || !out.add(partition)) {
            throw new NumberFormatException();
          }
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(
              "the " + PARTITIONS + " header is not a list of partitions: '" + header + "'");
        }
      }
      return out;
    }
  }

  /**
   * {@code GET pathAndQuery} on {@code peer}, waiting for the answer.
   *
   * @param pathAndQuery already encoded ({@link #pathSegment}, {@link #queryValue})
   * @throws ProjectionUnavailableException if the peer cannot be reached
   */
  public Answer get(HostInfo from, HostInfo peer, String pathAndQuery) {
    URI uri = uri(peer, pathAndQuery);
    try {
      return answer(peer, client.send(request(from, uri), HttpResponse.BodyHandlers.ofString()));
    } catch (IOException e) {
      throw unreachable(peer, uri, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProjectionUnavailableException(
          "interrupted while asking " + AdvertisedAddress.endpoint(peer), e);
    }
  }

  /**
   * As {@link #get}, without waiting: the future fails with {@link ProjectionUnavailableException}
   * as it throws.
   */
  public CompletableFuture<Answer> getAsync(HostInfo from, HostInfo peer, String pathAndQuery) {
    URI uri = uri(peer, pathAndQuery);
    return client
        .sendAsync(request(from, uri), HttpResponse.BodyHandlers.ofString())
        .handle(
            (response, error) -> {
              if (error != null) {
                Throwable cause =
                    error instanceof CompletionException && error.getCause() != null
                        ? error.getCause()
                        : error;
                throw unreachable(peer, uri, cause);
              }
              return answer(peer, response);
            });
  }

  /**
   * The forwarded request carries the caller's {@code Authorization} header: when reads need a
   * token, the peer checks the caller's token as this instance did (every instance has the same
   * tokens), and no instance needs one of its own.
   */
  private HttpRequest request(HostInfo from, URI uri) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            .timeout(timeout)
            .header(FORWARDED, AdvertisedAddress.endpoint(from))
            .header("Accept", "application/json")
            .GET();
    ServerRequestContext.currentRequest()
        .flatMap(caller -> caller.getHeaders().getAuthorization())
        .ifPresent(authorization -> request.header("Authorization", authorization));
    return request.build();
  }

  private static URI uri(HostInfo peer, String pathAndQuery) {
    return URI.create("http://" + AdvertisedAddress.endpoint(peer) + pathAndQuery);
  }

  private Answer answer(HostInfo peer, HttpResponse<String> response) {
    if (unreachable.remove(peer)) {
      log.info("projections instance {} answers again", AdvertisedAddress.endpoint(peer));
    }
    return new Answer(
        peer,
        response.statusCode(),
        response.body(),
        response.headers().firstValue("Retry-After"),
        response.headers().firstValue(PARTITIONS));
  }

  private ProjectionUnavailableException unreachable(HostInfo peer, URI uri, Throwable e) {
    if (unreachable.add(peer)) {
      log.warn(
          "projections instance {} did not answer GET {}: {}; queries it holds answer 503 until it does",
          AdvertisedAddress.endpoint(peer),
          uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()),
          e.toString());
    }
    return new ProjectionUnavailableException(
        "the projections instance holding the data, "
            + AdvertisedAddress.endpoint(peer)
            + ", cannot be reached ("
            + e.getClass().getSimpleName()
            + "); retry shortly",
        e,
        RETRY_UNREACHABLE);
  }

  /**
   * A value as one path segment, percent-encoded; a value of dots alone would read as a relative
   * path ("." or ".."), so its dots are escaped too.
   */
  public static String pathSegment(String value) {
    String encoded = queryValue(value).replace("+", "%20");
    return encoded.chars().allMatch(c -> c == '.') ? encoded.replace(".", "%2E") : encoded;
  }

  /** A value as a query parameter value, percent-encoded. */
  public static String queryValue(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  /**
   * The value of the {@value #PARTITIONS} header: partition numbers separated by commas, or
   * nothing.
   */
  public static String partitionsHeader(Set<Integer> partitions) {
    return String.join(",", new TreeSet<>(partitions).stream().map(String::valueOf).toList());
  }

  /** The message of an {@link ApiError} body, else the body itself (shortened). */
  private static String message(String body) {
    if (body == null) {
      return "";
    }
    try {
      JsonNode node = JSON.readTree(body);
      if (node != null && node.path("message").isTextual()) {
        return node.get("message").textValue();
      }
    } catch (IOException e) {
      // not JSON: the body is the message
    }
    return body.length() > 200 ? body.substring(0, 200) + "..." : body;
  }

  private static Duration retryAfterOf(Optional<String> header) {
    try {
      return Duration.ofSeconds(Math.max(1, Long.parseLong(header.orElse("1").trim())));
    } catch (NumberFormatException e) {
      return Duration.ofSeconds(1);
    }
  }

  @PreDestroy
  public void close() {
    executor.shutdownNow();
  }
}
