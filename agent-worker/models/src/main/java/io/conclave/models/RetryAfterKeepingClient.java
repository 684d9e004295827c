package io.conclave.models;

import dev.langchain4j.exception.HttpException;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * The JDK {@link HttpClient} under LangChain4j's {@code JdkHttpClient}, which keeps what
 * LangChain4j drops from a failed answer: its {@code Retry-After}. LangChain4j turns a status other
 * than 2xx into an {@link HttpException} of the status and the body only, so a rate limit's wait
 * would be lost; this client raises that exception itself, as a {@link Failed} that also carries
 * the header, and LangChain4j passes it on as the cause of its own exception. Everything else is
 * the JDK client's. Thread-safe.
 */
final class RetryAfterKeepingClient extends HttpClient {
  /**
   * A failed answer: LangChain4j's exception, with the answer's {@code Retry-After} if it had one.
   */
  static final class Failed extends HttpException {
    private final transient Optional<String> retryAfter;

    Failed(int status, String body, Optional<String> retryAfter) {
      super(status, body);
      this.retryAfter = retryAfter;
    }

    /** The {@code Retry-After} header's value, as the server wrote it. */
    Optional<String> retryAfter() {
      return retryAfter;
    }
  }

  private final HttpClient delegate;

  private RetryAfterKeepingClient(HttpClient delegate) {
    this.delegate = delegate;
  }

  /**
   * A builder of such clients for LangChain4j's {@code JdkHttpClientBuilder.httpClientBuilder}: the
   * JDK's builder, whose {@code build()} wraps what it builds.
   */
  static HttpClient.Builder builder(HttpClient.Builder jdk) {
    return (HttpClient.Builder)
        Proxy.newProxyInstance(
            HttpClient.Builder.class.getClassLoader(),
            new Class<?>[] {HttpClient.Builder.class},
            (proxy, method, args) -> {
              if (method.getName().equals("build") && method.getParameterCount() == 0) {
                return new RetryAfterKeepingClient(jdk.build());
              }
              try {
                Object result = method.invoke(jdk, args);
                return result == jdk ? proxy : result;
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }

  @Override
  public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler)
      throws IOException, InterruptedException {
    HttpResponse<T> response = delegate.send(request, handler);
    int status = response.statusCode();
    if ((status < 200 || status >= 300) && response.body() instanceof byte[] body) {
      throw new Failed(
          status,
          new String(body, StandardCharsets.UTF_8),
          response.headers().firstValue("Retry-After"));
    }
    return response;
  }

  @Override
  public <T> CompletableFuture<HttpResponse<T>> sendAsync(
      HttpRequest request, HttpResponse.BodyHandler<T> handler) {
    return delegate.sendAsync(request, handler);
  }

  @Override
  public <T> CompletableFuture<HttpResponse<T>> sendAsync(
      HttpRequest request,
      HttpResponse.BodyHandler<T> handler,
      HttpResponse.PushPromiseHandler<T> pushPromiseHandler) {
    return delegate.sendAsync(request, handler, pushPromiseHandler);
  }

  @Override
  public Optional<CookieHandler> cookieHandler() {
    return delegate.cookieHandler();
  }

  @Override
  public Optional<Duration> connectTimeout() {
    return delegate.connectTimeout();
  }

  @Override
  public Redirect followRedirects() {
    return delegate.followRedirects();
  }

  @Override
  public Optional<ProxySelector> proxy() {
    return delegate.proxy();
  }

  @Override
  public SSLContext sslContext() {
    return delegate.sslContext();
  }

  @Override
  public SSLParameters sslParameters() {
    return delegate.sslParameters();
  }

  @Override
  public Optional<Authenticator> authenticator() {
    return delegate.authenticator();
  }

  @Override
  public Version version() {
    return delegate.version();
  }

  @Override
  public Optional<Executor> executor() {
    return delegate.executor();
  }
}
