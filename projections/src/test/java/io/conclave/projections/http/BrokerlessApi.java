package io.conclave.projections.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The projections' real HTTP server (routing, security, body decoding, controllers, error mapping)
 * with no broker: Kafka and the schema registry are at a port where nothing listens. It serves the
 * answers that never reach Kafka, such as a 400 for a body the controller refuses before it writes
 * or a 401 or 403 of the token layer; whatever needs a record or a store is for the ITs. It accepts
 * the tokens {@link #ADMIN_TOKEN}, {@link #WRITER_TOKEN} and {@link #READER_TOKEN}, named {@code
 * test-admin}, {@code test-writer} and {@code test-reader}.
 *
 * <p>Tests get one with {@code @ExtendWith(BrokerlessApi.Shared.class)} and a parameter of this
 * type: one server per test JVM, started on first use and stopped when the JVM's tests are done
 * (starting and stopping a projections server that cannot reach Kafka takes seconds).
 */
public final class BrokerlessApi implements AutoCloseable {
  public static final String ADMIN_TOKEN = "test-admin-token-0123456789";
  public static final String WRITER_TOKEN = "test-writer-token-0123456789";
  public static final String READER_TOKEN = "test-reader-token-0123456789";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final EmbeddedServer server;
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private BrokerlessApi(EmbeddedServer server) {
    this.server = server;
  }

  private static BrokerlessApi start() {
    Map<String, Object> props = new HashMap<>();
    props.put("micronaut.server.port", -1);
    props.put("conclave.kafka.bootstrap-servers", "127.0.0.1:1");
    props.put("conclave.registry.url", "http://127.0.0.1:1");
    try {
      props.put(
          "conclave.state-dir", Files.createTempDirectory("conclave-brokerless-api").toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    props.put(
        "conclave.security.tokens",
        "test-admin:admin:"
            + ADMIN_TOKEN
            + ",test-writer:writer:"
            + WRITER_TOKEN
            + ",test-reader:reader:"
            + READER_TOKEN);
    return new BrokerlessApi(ApplicationContext.run(EmbeddedServer.class, props));
  }

  public URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.getPort() + path);
  }

  /** {@code GET path}, with {@code Authorization: Bearer token} unless {@code token} is null. */
  public HttpResponse<String> get(String token, String path) {
    return send(token, HttpRequest.newBuilder(uri(path)).GET());
  }

  /** {@code POST path} of a JSON body, with the token as {@link #get}. */
  public HttpResponse<String> postJson(String token, String path, String body) {
    return post(token, path, "application/json", body);
  }

  public HttpResponse<String> post(String token, String path, String contentType, String body) {
    return send(
        token,
        HttpRequest.newBuilder(uri(path))
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  /** Sends {@code request} as it is built, for a request the methods above cannot make. */
  public HttpResponse<String> send(HttpRequest.Builder request) {
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

  private HttpResponse<String> send(String token, HttpRequest.Builder request) {
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return send(request);
  }

  /** Checks that the answer is JSON. */
  public static void assertJsonContentType(HttpResponse<String> r) {
    assertThat(r.headers().firstValue("Content-Type"))
        .as("Content-Type of " + r.uri() + " -> " + r.body())
        .hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
  }

  /** The {@code message} of an {@link ApiError} body, which must have one. */
  public static String message(HttpResponse<String> r) throws IOException {
    JsonNode body = JSON.readTree(r.body());
    assertThat(body.path("message").isTextual()).as("a message in " + r.body()).isTrue();
    return body.get("message").asText();
  }

  @Override
  public void close() {
    server.getApplicationContext().close();
  }

  /** Gives a test method a {@link BrokerlessApi} shared by the test JVM. */
  public static final class Shared implements ParameterResolver {
    private static final ExtensionContext.Namespace NS =
        ExtensionContext.Namespace.create(BrokerlessApi.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
      return parameter.getParameter().getType() == BrokerlessApi.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
      return context
          .getRoot()
          .getStore(NS)
          .getOrComputeIfAbsent("api", k -> new Closing(start()), Closing.class)
          .api();
    }

    private record Closing(BrokerlessApi api) implements ExtensionContext.Store.CloseableResource {
      @Override
      public void close() {
        api.close();
      }
    }
  }
}
