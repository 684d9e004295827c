package io.conclave.schemas;

import io.apicurio.registry.rest.client.RegistryClient;
import io.apicurio.registry.rest.client.exception.RestClientException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A registry client whose every call ends within a time limit, and whose "registry unavailable"
 * failures are {@link SchemaRegistryUnavailableException}s.
 *
 * <p>Why: Apicurio's JDK client sets no timeout, so a registry that accepts connections but does
 * not answer (paused, overloaded, a half-open network path) blocks a loop thread, and with it a
 * shard, for as long as it stays away; and it reports a refused connection as a {@link
 * RestClientException} like any "not found", which a consumer would take for a bad record and
 * dead-letter. Here a call that does not answer in time is abandoned (its thread is a daemon that
 * ends when the connection does) and the caller gets a clear, retriable error. Answers of the
 * registry that say something about the request (4xx: unknown id, invalid schema) pass through
 * unchanged.
 */
final class BoundedRegistryClient {
  private static final AtomicInteger threads = new AtomicInteger();
  private static final ExecutorService calls =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "conclave-registry-call-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
          });

  private BoundedRegistryClient() {}

  /**
   * {@code client} bounded by {@code timeout}. Closing the result does nothing: it is shared by
   * every serde of a {@link ConclaveSerdes}, and a serde's close must not close it under the
   * others.
   */
  static RegistryClient wrap(RegistryClient client, String url, Duration timeout) {
    return (RegistryClient)
        Proxy.newProxyInstance(
            RegistryClient.class.getClassLoader(),
            new Class<?>[] {RegistryClient.class},
            (proxy, method, args) -> {
              if (method.getDeclaringClass() == Object.class) {
                return method.invoke(client, args);
              }
              if (method.getName().equals("close") && method.getParameterCount() == 0) {
                return null;
              }
              return call(client, method, args, url, timeout);
            });
  }

  private static Object call(
      RegistryClient client, Method method, Object[] args, String url, Duration timeout)
      throws Throwable {
    Future<Object> answer = calls.submit(() -> method.invoke(client, args));
    try {
      return answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      answer.cancel(true);
      throw new SchemaRegistryUnavailableException(
          "the schema registry at " + url + " did not answer within " + timeout.toMillis() + " ms",
          e);
    } catch (InterruptedException e) {
      answer.cancel(true);
      Thread.currentThread().interrupt();
      throw new SchemaRegistryUnavailableException(
          "interrupted while waiting for the schema registry at " + url, e);
    } catch (ExecutionException e) {
      Throwable failure =
          e.getCause() instanceof InvocationTargetException ite ? ite.getCause() : e.getCause();
      if (unavailable(failure)) {
        throw new SchemaRegistryUnavailableException(
            "the schema registry at "
                + url
                + " is unavailable: "
                + describe((RestClientException) failure),
            failure);
      }
      throw failure;
    }
  }

  /** No HTTP answer at all (the client's I/O error carries no status code), or a server error. */
  static boolean unavailable(Throwable failure) {
    if (!(failure instanceof RestClientException rce)) {
      return false;
    }
    Integer status = rce.getError() == null ? null : rce.getError().getErrorCode();
    return status == null || status == 0 || status >= 500;
  }

  private static String describe(RestClientException e) {
    var error = e.getError();
    if (error == null) {
      return e.toString();
    }
    Integer status = error.getErrorCode();
    return (status == null || status == 0 ? error.getName() : "HTTP " + status)
        + " "
        + error.getMessage();
  }
}
