package io.conclave.projections.http;

import io.conclave.runtime.admin.GroupActiveException;
import io.conclave.runtime.readers.UnknownTopicException;
import io.conclave.schemas.SchemaRegistryUnavailableException;
import io.micronaut.context.BeanProvider;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Error;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.authentication.AuthorizationException;
import io.micronaut.web.router.Router;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RetriableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Maps Conclave's exceptions to HTTP answers with a message that says what is wrong. */
@Controller
class ApiErrors {
  private static final Logger log = LoggerFactory.getLogger(ApiErrors.class);
  private static final String BEARER = "Bearer ";

  private final ApiTokens tokens;
  private final BeanProvider<Router> router;

  ApiErrors(ApiTokens tokens, BeanProvider<Router> router) {
    this.tokens = tokens;
    this.router = router;
  }

  /**
   * Micronaut Security refused the request: 401 when it carries no known API token (saying whether
   * the header is missing, not a bearer token, or the token is unknown), 403 when the token lacks
   * the role the route names in {@code @Secured}. Expected, so not logged.
   */
  @Error(global = true, exception = AuthorizationException.class)
  HttpResponse<ApiError> refused(HttpRequest<?> request, AuthorizationException e) {
    String what = request.getMethodName() + " " + request.getPath();
    if (e.isForbidden() && e.getAuthentication() != null) {
      Authentication who = e.getAuthentication();
      // the request's own route attribute is this error route by now: the refused route is looked
      // up again
      List<String> needed =
          router.get().findAllClosest(request).stream()
              .flatMap(
                  route -> Arrays.stream(route.getAnnotationMetadata().stringValues(Secured.class)))
              .distinct()
              .toList();
      String role =
          needed.isEmpty() ? "a role it lacks" : "the role " + String.join(" or ", needed);
      return HttpResponse.<ApiError>status(HttpStatus.FORBIDDEN)
          .body(
              new ApiError(
                  403,
                  what
                      + " needs "
                      + role
                      + "; API token '"
                      + who.getName()
                      + "' has "
                      + String.join(", ", who.getRoles())));
    }
    return HttpResponse.<ApiError>status(HttpStatus.UNAUTHORIZED)
        .header("WWW-Authenticate", "Bearer")
        .body(new ApiError(401, what + " needs an API token: " + unauthenticated(request)));
  }

  private String unauthenticated(HttpRequest<?> request) {
    Optional<String> header = request.getHeaders().getAuthorization();
    if (tokens.isEmpty()) {
      return "none is configured on this server (conclave.security.tokens or CONCLAVE_API_TOKENS)";
    }
    if (header.isEmpty()) {
      return "send 'Authorization: Bearer <token>'";
    }
    if (!header.get().regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return "the Authorization header is not 'Bearer <token>'";
    }
    return "the token sent is not one configured on this server";
  }

  @Error(global = true, exception = IllegalArgumentException.class)
  HttpResponse<ApiError> badRequest(HttpRequest<?> request, IllegalArgumentException e) {
    return HttpResponse.badRequest(new ApiError(400, e.getMessage()));
  }

  @Error(global = true, exception = UnknownTopicException.class)
  HttpResponse<ApiError> unknownTopic(HttpRequest<?> request, UnknownTopicException e) {
    return HttpResponse.<ApiError>notFound().body(new ApiError(404, e.getMessage()));
  }

  @Error(global = true, exception = GroupActiveException.class)
  HttpResponse<ApiError> groupActive(HttpRequest<?> request, GroupActiveException e) {
    log.info("{} {} refused: {}", request.getMethod(), request.getPath(), e.getMessage());
    return HttpResponse.<ApiError>status(HttpStatus.CONFLICT)
        .body(new ApiError(409, e.getMessage()));
  }

  /** Also a rebuild asked for while one runs ({@link RebuildInProgressException}). */
  @Error(global = true, exception = ConflictException.class)
  HttpResponse<ApiError> conflict(HttpRequest<?> request, ConflictException e) {
    return HttpResponse.<ApiError>status(HttpStatus.CONFLICT)
        .body(new ApiError(409, e.getMessage()));
  }

  /**
   * The schema registry is away, so nothing could be encoded, let alone written: worth retrying.
   */
  @Error(global = true, exception = SchemaRegistryUnavailableException.class)
  HttpResponse<ApiError> registryUnavailable(
      HttpRequest<?> request, SchemaRegistryUnavailableException e) {
    log.warn("{} {}: {}", request.getMethod(), request.getPath(), e.getMessage());
    return HttpResponse.<ApiError>status(HttpStatus.SERVICE_UNAVAILABLE)
        .header("Retry-After", "2")
        .body(new ApiError(503, e.getMessage() + "; nothing was written, retry"));
  }

  /** Kafka did not answer in time (or not yet): worth retrying. */
  @Error(global = true, exception = RetriableException.class)
  HttpResponse<ApiError> kafkaUnavailable(HttpRequest<?> request, RetriableException e) {
    log.warn("{} {}: {}", request.getMethod(), request.getPath(), e.toString());
    return HttpResponse.<ApiError>status(HttpStatus.SERVICE_UNAVAILABLE)
        .header("Retry-After", "2")
        .body(new ApiError(503, "Kafka did not answer: " + e.getMessage() + "; retry"));
  }

  /** Kafka refused the operation for a reason of its own. */
  @Error(global = true, exception = KafkaException.class)
  HttpResponse<ApiError> kafkaRefused(HttpRequest<?> request, KafkaException e) {
    log.warn("{} {}: {}", request.getMethod(), request.getPath(), e.toString());
    return HttpResponse.<ApiError>status(HttpStatus.BAD_GATEWAY)
        .body(new ApiError(502, "Kafka refused: " + e));
  }

  @Error(global = true, exception = NotFoundException.class)
  HttpResponse<ApiError> notFound(HttpRequest<?> request, NotFoundException e) {
    return HttpResponse.<ApiError>notFound().body(new ApiError(404, e.getMessage()));
  }

  @Error(global = true, exception = ProjectionUnavailableException.class)
  HttpResponse<ApiError> notReady(HttpRequest<?> request, ProjectionUnavailableException e) {
    return HttpResponse.<ApiError>status(HttpStatus.SERVICE_UNAVAILABLE)
        .header("Retry-After", Long.toString(e.retryAfterSeconds()))
        .body(new ApiError(503, e.getMessage()));
  }

  /**
   * Conclave is behind: refused before anything was written. Not logged here, the monitor logs when
   * it starts.
   */
  @Error(global = true, exception = BacklogExceededException.class)
  HttpResponse<ApiError> behind(HttpRequest<?> request, BacklogExceededException e) {
    return HttpResponse.<ApiError>status(HttpStatus.SERVICE_UNAVAILABLE)
        .header("Retry-After", Long.toString(e.retryAfterSeconds()))
        .body(new ApiError(503, e.getMessage()));
  }

  @Error(global = true, exception = SubmissionFailedException.class)
  HttpResponse<ApiError> notWritten(HttpRequest<?> request, SubmissionFailedException e) {
    log.warn("{} {}: {}", request.getMethod(), request.getPath(), e.getMessage());
    return HttpResponse.<ApiError>status(HttpStatus.SERVICE_UNAVAILABLE)
        .header("Retry-After", "2")
        .body(new ApiError(503, e.getMessage()));
  }
}
