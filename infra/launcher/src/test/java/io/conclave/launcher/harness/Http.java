package io.conclave.launcher.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A small blocking HTTP client for tests. It sends {@code Authorization: Bearer} with {@link
 * #ADMIN_TOKEN} unless made with another token (or none): the projections the tests start ({@link
 * InProcessConclave#startProjections}) accept the tokens of {@link #TOKENS}.
 */
public final class Http {
  public static final String ADMIN_TOKEN = "it-admin-token-0123456789";
  public static final String WRITER_TOKEN = "it-writer-token-0123456789";
  public static final String READER_TOKEN = "it-reader-token-0123456789";

  /** {@code conclave.security.tokens} of the projections the tests start. */
  public static final String TOKENS =
      "it-admin:admin:"
          + ADMIN_TOKEN
          + ",it-writer:writer:"
          + WRITER_TOKEN
          + ",it-reader:reader:"
          + READER_TOKEN;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;
  private final String token;

  public Http(String base) {
    this(base, ADMIN_TOKEN);
  }

  /**
   * A client sending {@code token} as its bearer token, or no {@code Authorization} header if it is
   * null.
   */
  public Http(String base, String token) {
    this.base = base;
    this.token = token;
  }

  /** Polls {@code GET /tasks/{id}} until the task has {@code status}; returns the task's JSON. */
  public JsonNode awaitTaskStatus(String taskId, String status) {
    JsonNode[] last = new JsonNode[1];
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(200))
        .alias("task " + taskId + " reaching " + status)
        .untilAsserted(
            () -> {
              HttpResponse<String> r = get("/tasks/" + taskId);
              assertThat(r.statusCode())
                  .as("GET /tasks/%s answered %s", taskId, r.body())
                  .isEqualTo(200);
              last[0] = JSON.readTree(r.body());
              assertThat(last[0].path("status").asText())
                  .as("GET /tasks/%s answered %s", taskId, r.body())
                  .isEqualTo(status);
            });
    return last[0];
  }

  /** A loopback port free at the moment, for a server a test starts. */
  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  public HttpResponse<String> get(String path) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
  }

  public HttpResponse<String> postJson(String path, String json) {
    return post(path, "application/json", json);
  }

  public HttpResponse<String> post(String path, String contentType, String body) {
    return send(
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  public HttpResponse<String> put(String path, String contentType, String body) {
    return send(
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Content-Type", contentType)
            .PUT(HttpRequest.BodyPublishers.ofString(body)));
  }

  private HttpResponse<String> send(HttpRequest.Builder request) {
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    try {
      return client.send(
          request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
