package io.conclave.projections;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.http.context.ServerRequestContext;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link KnowledgePeers} over HTTP ({@link HttpClient}): {@code GET /knowledge/{key}} and {@code GET /knowledge} on
 * the peer, marked with the {@value #FORWARDED} header (its value: this instance's address, for the peer's logs), which
 * makes the peer answer from its own partitions or 503, never forward again. A peer's listing names the partitions it
 * read in the {@value #PARTITIONS} header. Each request times out after
 * {@link KnowledgeSettings#forwardTimeout()}; one that fails is logged (one line) and answered 503. Thread-safe.
 */
@Singleton
final class HttpKnowledgePeers implements KnowledgePeers {
  static final String FORWARDED = "X-Conclave-Forwarded";
  static final String PARTITIONS = "X-Conclave-Partitions";
  /** How long to wait before retrying when a peer could not be reached or failed. */
  static final Duration RETRY_UNREACHABLE = Duration.ofSeconds(2);
  private static final Logger log = LoggerFactory.getLogger(HttpKnowledgePeers.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Duration timeout;
  /** Peers whose last request failed to reach them: an outage is logged when it starts and when it ends. */
  private final Set<HostInfo> unreachable = ConcurrentHashMap.newKeySet();
  private final ExecutorService executor;
  private final HttpClient client;

  HttpKnowledgePeers(KnowledgeSettings settings) {
    this.timeout = settings.forwardTimeout();
    // the client's own default executor is unbounded too; a named daemon pool shows up better in thread dumps
    this.executor = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "knowledge-peers");
      t.setDaemon(true);
      return t;
    });
    this.client = HttpClient.newBuilder().connectTimeout(timeout).executor(executor)
        .followRedirects(HttpClient.Redirect.NEVER).build();
  }

  @Override
  public Optional<KnowledgeState> get(HostInfo from, HostInfo owner, String key, Optional<Instant> at) {
    URI uri = URI.create("http://" + AdvertisedAddress.endpoint(owner) + "/knowledge/" + pathSegment(key)
        + at.map(t -> "?at=" + t.toEpochMilli()).orElse(""));
    HttpResponse<String> response;
    try {
      response = client.send(request(from, uri), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw unreachable(owner, uri, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProjectionUnavailableException("interrupted while asking " + AdvertisedAddress.endpoint(owner), e);
    }
    reached(owner);
    return entry(owner, key, response.statusCode(), response.body(), response.headers().firstValue("Retry-After"));
  }

  @Override
  public CompletableFuture<ServedPage> page(HostInfo from, HostInfo peer, KnowledgeListing listing) {
    URI uri = URI.create("http://" + AdvertisedAddress.endpoint(peer) + "/knowledge?prefix="
        + URLEncoder.encode(listing.prefix(), StandardCharsets.UTF_8) + "&limit=" + listing.limit());
    return client.sendAsync(request(from, uri), HttpResponse.BodyHandlers.ofString())
        .handle((response, error) -> {
          if (error != null) {
            Throwable cause = error instanceof CompletionException && error.getCause() != null
                ? error.getCause() : error;
            throw unreachable(peer, uri, cause);
          }
          reached(peer);
          return page(peer, response.statusCode(), response.body(), response.headers().firstValue("Retry-After"),
              response.headers().firstValue(PARTITIONS));
        });
  }

  /**
   * The forwarded request carries the caller's {@code Authorization} header: when reads need a token, the peer checks
   * the caller's token as this instance did (every instance has the same tokens), and no instance needs one of its own.
   */
  private HttpRequest request(HostInfo from, URI uri) {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout)
        .header(FORWARDED, AdvertisedAddress.endpoint(from)).header("Accept", "application/json").GET();
    ServerRequestContext.currentRequest().flatMap(caller -> caller.getHeaders().getAuthorization())
        .ifPresent(authorization -> request.header("Authorization", authorization));
    return request.build();
  }

  /**
   * A key as one path segment. Keys hold only letters, digits, '-', '_' and '.', all unreserved in URLs; a key of
   * dots alone would read as a relative path ("." or ".."), so its dots are escaped.
   */
  static String pathSegment(String key) {
    return key.chars().allMatch(c -> c == '.') ? key.replace(".", "%2E") : key;
  }

  private void reached(HostInfo peer) {
    if (unreachable.remove(peer)) {
      log.info("projections instance {} answers again", AdvertisedAddress.endpoint(peer));
    }
  }

  private ProjectionUnavailableException unreachable(HostInfo peer, URI uri, Throwable e) {
    if (unreachable.add(peer)) {
      log.warn("projections instance {} did not answer GET {}: {}; queries it holds answer 503 until it does",
          AdvertisedAddress.endpoint(peer), uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?"
              + uri.getRawQuery()), e.toString());
    }
    return new ProjectionUnavailableException("the projections instance holding the data, "
        + AdvertisedAddress.endpoint(peer) + ", cannot be reached (" + e.getClass().getSimpleName() + "); retry shortly",
        e, RETRY_UNREACHABLE);
  }

  /**
   * What the owner's answer to a forwarded {@code GET /knowledge/{key}} means: 200 the state, 404 none, 400 a refused
   * request (as here), 503 not now (with the owner's {@code Retry-After}); anything else, or a 200 that does not read
   * as the key's entry, is a failure of the owner: 503.
   */
  static Optional<KnowledgeState> entry(HostInfo owner, String key, int status, String body,
                                        Optional<String> retryAfter) {
    switch (status) {
      case 200 -> {
        KnowledgeEntry entry;
        try {
          entry = KnowledgeJson.entry(body);
        } catch (IllegalArgumentException e) {
          throw unreadable(owner, e);
        }
        if (!entry.key().equals(key)) {
          throw unreadable(owner, new IllegalArgumentException("it answered for key '" + entry.key() + "'"));
        }
        return Optional.of(entry.state());
      }
      case 404 -> {
        return Optional.empty();
      }
      default -> throw failure(owner, status, body, retryAfter);
    }
  }

  /**
   * What a peer's answer to a forwarded {@code GET /knowledge?prefix=...} means: 200 its page and the partitions it
   * read ({@value #PARTITIONS}), otherwise as {@link #entry}.
   */
  static ServedPage page(HostInfo peer, int status, String body, Optional<String> retryAfter,
                         Optional<String> partitions) {
    if (status != 200) {
      throw failure(peer, status, body, retryAfter);
    }
    try {
      return new ServedPage(KnowledgeJson.page(body), partitions(partitions.orElseThrow(
          () -> new IllegalArgumentException("the " + PARTITIONS + " header is missing"))));
    } catch (IllegalArgumentException e) {
      throw unreadable(peer, e);
    }
  }

  /** The value of the {@value #PARTITIONS} header: partition numbers separated by commas, or nothing. */
  static String partitionsHeader(Set<Integer> partitions) {
    return String.join(",", new TreeSet<>(partitions).stream().map(String::valueOf).toList());
  }

  private static Set<Integer> partitions(String header) {
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
        throw new IllegalArgumentException("the " + PARTITIONS + " header is not a list of partitions: '" + header
            + "'");
      }
    }
    return out;
  }

  private static RuntimeException failure(HostInfo peer, int status, String body, Optional<String> retryAfter) {
    String message = message(body);
    if (status == 400) {
      return new IllegalArgumentException(message);
    }
    if (status == 503) {
      return new ProjectionUnavailableException(AdvertisedAddress.endpoint(peer) + " cannot answer now: " + message,
          null, retryAfter(retryAfter));
    }
    log.warn("projections instance {} answered {}: {}", AdvertisedAddress.endpoint(peer), status, message);
    return new ProjectionUnavailableException("the projections instance holding the data, "
        + AdvertisedAddress.endpoint(peer) + ", answered " + status + ": " + message + "; retry shortly", null,
        RETRY_UNREACHABLE);
  }

  private static ProjectionUnavailableException unreadable(HostInfo peer, IllegalArgumentException e) {
    log.warn("projections instance {} gave an unreadable knowledge answer: {}", AdvertisedAddress.endpoint(peer),
        e.getMessage());
    return new ProjectionUnavailableException("the answer of the projections instance holding the data, "
        + AdvertisedAddress.endpoint(peer) + ", is unreadable (" + e.getMessage() + ")", e, RETRY_UNREACHABLE);
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

  private static Duration retryAfter(Optional<String> header) {
    try {
      return Duration.ofSeconds(Math.max(1, Long.parseLong(header.orElse("1").trim())));
    } catch (NumberFormatException e) {
      return Duration.ofSeconds(1);
    }
  }

  @PreDestroy
  void close() {
    executor.shutdownNow();
  }
}
