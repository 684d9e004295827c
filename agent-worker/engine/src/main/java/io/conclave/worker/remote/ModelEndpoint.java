package io.conclave.worker.remote;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.conclave.agent.LlmClient;
import io.conclave.agent.chat.ChatRequest;
import io.conclave.agent.chat.ChatResponse;
import io.conclave.runtime.resilience.BudgetExceededException;
import io.conclave.runtime.resilience.CallFailure;
import io.conclave.runtime.resilience.CallRejectedException;
import io.conclave.runtime.resilience.MalformedAnswerException;
import io.conclave.runtime.resilience.RateLimitedException;
import io.conclave.runtime.resilience.ServiceUnavailableException;
import io.conclave.worker.OpenAiWire;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OpenAI-compatible endpoint a worker serves to its remote agents, one base URL per step
 * attempt: {@code POST /steps/<token>/v1/chat/completions} (non-streaming chat completions) and
 * {@code GET /steps/<token>/v1/models}. The token is random, and valid only while its attempt runs
 * (401 otherwise); it may come as {@code Authorization: Bearer <token>} instead, on {@code
 * /v1/...}. Each call goes through the attempt's own model client ({@code AgentContext.llm()}), so
 * it is budgeted, goes through the breakers and is recorded exactly like a Java agent's, or, in a
 * re-drive, answered from the recording; the calls of one attempt run one at a time. A model's
 * failure is answered the OpenAI way ({@code {"error": {"message", "type", "code"}}}): 429 for a
 * rate limit (with {@code Retry-After}) or a spent budget ({@code insufficient_quota}), 503 when
 * the model is unavailable (its breaker open, its retries spent), 400 when it refused the request,
 * 502 when it answered nonsense. Thread-safe.
 */
public final class ModelEndpoint implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ModelEndpoint.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String STEPS = "/steps/";

  private final HttpServer server;
  private final ExecutorService executor;
  private final String advertised;
  private final Map<String, Session> sessions = new ConcurrentHashMap<>();
  private final AtomicLong completions = new AtomicLong();

  private ModelEndpoint(HttpServer server, ExecutorService executor, String advertised) {
    this.server = server;
    this.executor = executor;
    this.advertised = advertised;
  }

  /**
   * Serves on {@code bindAddress:port} (port 0: any free one) until closed.
   *
   * @param advertisedUrl the URL remote agents reach this server at (for containers), e.g. {@code
   *     http://worker-1:8700}; empty: {@code http://<bindAddress>:<port>}
   */
  public static ModelEndpoint start(String bindAddress, int port, Optional<String> advertisedUrl) {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(bindAddress, port), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot serve the remote agents' model endpoint on " + bindAddress + ":" + port, e);
    }
    // daemon threads: the endpoint never holds a process open; a few at a time, one per attempt
    // calling
    ExecutorService executor =
        Executors.newCachedThreadPool(
            task -> {
              Thread thread = new Thread(task, "conclave-model-endpoint");
              thread.setDaemon(true);
              return thread;
            });
    server.setExecutor(executor);
    String base =
        advertisedUrl
            .filter(u -> !u.isBlank())
            .map(u -> u.endsWith("/") ? u.substring(0, u.length() - 1) : u)
            .orElse("http://" + host(bindAddress) + ":" + server.getAddress().getPort());
    ModelEndpoint endpoint = new ModelEndpoint(server, executor, base);
    server.createContext("/", endpoint::handle);
    server.start();
    log.info(
        "remote agents' model endpoint on {}:{}, advertised as {}{}<token>/v1",
        bindAddress,
        server.getAddress().getPort(),
        base,
        STEPS);
    return endpoint;
  }

  private static String host(String bindAddress) {
    // a wildcard bind is reachable on the loopback address at least
    String h =
        bindAddress.equals("0.0.0.0") || bindAddress.equals("::") ? "127.0.0.1" : bindAddress;
    return h.contains(":") ? "[" + h + "]" : h;
  }

  /** The port it serves on. */
  public int port() {
    return server.getAddress().getPort();
  }

  /**
   * Opens the endpoint of one attempt, whose calls go to {@code model}.
   *
   * @param model the attempt's model client ({@code AgentContext.llm()})
   */
  public Session open(LlmClient model) {
    byte[] bytes = new byte[24];
    RANDOM.nextBytes(bytes);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    Session session = new Session(token, advertised + STEPS + token + "/v1", model, sessions);
    sessions.put(token, session);
    return session;
  }

  /**
   * The endpoint of one attempt, open until {@link #close()}d. Its calls run one at a time, on the
   * server's threads.
   */
  public static final class Session implements AutoCloseable {
    private final String token;
    private final String baseUrl;
    private final LlmClient model;
    private final Map<String, Session> sessions;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile boolean open = true;
    private volatile CallFailure modelFailure;

    private Session(String token, String baseUrl, LlmClient model, Map<String, Session> sessions) {
      this.token = token;
      this.baseUrl = baseUrl;
      this.model = model;
      this.sessions = sessions;
    }

    /** The attempt's token: the path segment of its base URL, and its API key. */
    public String token() {
      return token;
    }

    /** The OpenAI base URL of the attempt, e.g. {@code http://127.0.0.1:8700/steps/<token>/v1}. */
    public String baseUrl() {
      return baseUrl;
    }

    /** The name of the model that answers. */
    public String model() {
      return model.model();
    }

    /**
     * The failure of the attempt's latest model call that a Java agent would have let through (its
     * breaker open, its budget spent, ...), if its latest call failed so.
     */
    public Optional<CallFailure> modelFailure() {
      return Optional.ofNullable(modelFailure);
    }

    /**
     * @return empty if the attempt is over
     */
    private Optional<ChatResponse> chat(ChatRequest request) {
      lock.lock();
      try {
        if (!open) {
          return Optional.empty();
        }
        try {
          ChatResponse answer = model.chat(request);
          modelFailure = null;
          return Optional.of(answer);
        } catch (RuntimeException e) {
          if (e instanceof CallFailure failure) {
            modelFailure = failure;
          }
          throw e;
        }
      } finally {
        lock.unlock();
      }
    }

    /**
     * Ends the attempt: its token is refused from now on. Waits for a call in progress, so that the
     * attempt's decisions are complete when it returns (the model client's own timeout bounds the
     * wait), unless the thread was interrupted (its attempt timed out: its decisions are
     * discarded).
     */
    @Override
    public void close() {
      sessions.remove(token);
      if (Thread.currentThread().isInterrupted()) {
        open = false;
        return;
      }
      lock.lock();
      try {
        open = false;
      } finally {
        lock.unlock();
      }
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      Optional<String> bearer =
          Optional.ofNullable(exchange.getRequestHeaders().getFirst("Authorization"))
              .filter(h -> h.regionMatches(true, 0, "Bearer ", 0, 7))
              .map(h -> h.substring(7).trim());
      String token;
      String rest;
      if (path.startsWith(STEPS)) {
        int slash = path.indexOf('/', STEPS.length());
        token = slash < 0 ? path.substring(STEPS.length()) : path.substring(STEPS.length(), slash);
        rest = slash < 0 ? "" : path.substring(slash);
        if (bearer.isPresent() && !bearer.get().equals(token)) {
          error(exchange, 401, "the bearer token is not the one of this step", "invalid_api_key");
          return;
        }
      } else if (bearer.isPresent()) {
        token = bearer.get();
        rest = path;
      } else {
        error(exchange, 404, "no such endpoint: " + path, "not_found");
        return;
      }
      Session session = sessions.get(token);
      if (session == null) {
        error(
            exchange,
            401,
            "unknown token, or its step attempt is over: a step's model endpoint is valid only"
                + " while the step runs",
            "invalid_api_key");
        return;
      }
      String method = exchange.getRequestMethod();
      if (rest.equals("/v1/models") && method.equals("GET")) {
        models(exchange, session);
      } else if (rest.equals("/v1/chat/completions") && method.equals("POST")) {
        completion(exchange, session);
      } else {
        error(exchange, 404, "no such endpoint: " + method + " " + rest, "not_found");
      }
    } catch (RuntimeException e) {
      // an exchange that broke (the agent hung up): nothing to answer any more
      log.debug("model endpoint: {}", e.toString());
    }
  }

  private void models(HttpExchange exchange, Session session) throws IOException {
    ObjectNode body = JSON.createObjectNode().put("object", "list");
    body.putArray("data")
        .addObject()
        .put("id", session.model())
        .put("object", "model")
        .put("created", 0)
        .put("owned_by", "conclave");
    send(exchange, 200, body, Optional.empty());
  }

  private void completion(HttpExchange exchange, Session session) throws IOException {
    JsonNode body;
    try (InputStream in = exchange.getRequestBody()) {
      body = JSON.readTree(in);
    } catch (JsonProcessingException e) {
      error(exchange, 400, "the body is not JSON: " + e.getOriginalMessage(), "invalid_request");
      return;
    }
    if (body != null && body.path("stream").asBoolean(false)) {
      error(
          exchange,
          400,
          "streaming is not supported: send stream false (each answer is recorded whole)",
          "stream_not_supported");
      return;
    }
    ChatRequest request;
    try {
      request = OpenAiWire.parseRequest(body);
    } catch (IllegalArgumentException e) {
      error(exchange, 400, e.getMessage(), "invalid_request");
      return;
    }
    Optional<ChatResponse> answer;
    try {
      answer = session.chat(request);
    } catch (BudgetExceededException e) {
      error(exchange, 429, e.getMessage(), "insufficient_quota");
      return;
    } catch (RateLimitedException e) {
      error(exchange, 429, e.getMessage(), "rate_limit_exceeded", e.retryAfter());
      return;
    } catch (ServiceUnavailableException e) {
      error(exchange, 503, e.getMessage(), "model_unavailable", e.retryAfter());
      return;
    } catch (CallRejectedException e) {
      error(exchange, 400, e.getMessage(), "model_refused");
      return;
    } catch (MalformedAnswerException e) {
      error(exchange, 502, e.getMessage(), "bad_model_answer");
      return;
    } catch (RuntimeException e) {
      error(exchange, 500, e.getClass().getSimpleName() + ": " + e.getMessage(), "server_error");
      return;
    }
    if (answer.isEmpty()) {
      error(exchange, 401, "the step attempt of this token is over", "invalid_api_key");
      return;
    }
    ObjectNode out = OpenAiWire.response(answer.get());
    out.put(
        "id", "chatcmpl-" + session.token().substring(0, 8) + "-" + completions.incrementAndGet());
    out.put("created", System.currentTimeMillis() / 1000);
    send(exchange, 200, out, Optional.empty());
  }

  private static void error(HttpExchange exchange, int status, String message, String code)
      throws IOException {
    error(exchange, status, message, code, Optional.empty());
  }

  private static void error(
      HttpExchange exchange, int status, String message, String code, Optional<Duration> retryAfter)
      throws IOException {
    ObjectNode body = JSON.createObjectNode();
    body.putObject("error")
        .put("message", Objects.requireNonNullElse(message, code))
        .put(
            "type",
            status == 429
                ? "rate_limit_error"
                : status >= 500 ? "server_error" : "invalid_request_error")
        .put("code", code);
    send(exchange, status, body, retryAfter);
  }

  private static void send(
      HttpExchange exchange, int status, ObjectNode body, Optional<Duration> retryAfter)
      throws IOException {
    byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    retryAfter.ifPresent(
        wait ->
            exchange
                .getResponseHeaders()
                .add("Retry-After", String.valueOf(Math.max(1, (wait.toMillis() + 999) / 1000))));
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
