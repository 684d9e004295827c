package io.conclave.projections;

import io.conclave.kafka.GroupActiveException;
import io.conclave.kafka.UnknownTopicException;
import io.conclave.schemas.SchemaRegistryUnavailableException;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Error;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RetriableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Maps Conclave's exceptions to HTTP answers with a message that says what is wrong. */
@Controller
class ApiErrors {
  private static final Logger log = LoggerFactory.getLogger(ApiErrors.class);

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
    return HttpResponse.<ApiError>status(HttpStatus.CONFLICT).body(new ApiError(409, e.getMessage()));
  }

  /** Also a rebuild asked for while one runs ({@link RebuildInProgressException}). */
  @Error(global = true, exception = ConflictException.class)
  HttpResponse<ApiError> conflict(HttpRequest<?> request, ConflictException e) {
    return HttpResponse.<ApiError>status(HttpStatus.CONFLICT).body(new ApiError(409, e.getMessage()));
  }

  /** The schema registry is away, so nothing could be encoded, let alone written: worth retrying. */
  @Error(global = true, exception = SchemaRegistryUnavailableException.class)
  HttpResponse<ApiError> registryUnavailable(HttpRequest<?> request, SchemaRegistryUnavailableException e) {
    log.warn("{} {}: {}", request.getMethod(), request.getPath(), e.getMessage());
    return HttpResponse.<ApiError>status(HttpStatus.SERVICE_UNAVAILABLE).header("Retry-After", "2")
        .body(new ApiError(503, e.getMessage() + "; nothing was written, retry"));
  }

  /** Kafka did not answer in time (or not yet): worth retrying. */
  @Error(global = true, exception = RetriableException.class)
  HttpResponse<ApiError> kafkaUnavailable(HttpRequest<?> request, RetriableException e) {
    log.warn("{} {}: {}", request.getMethod(), request.getPath(), e.toString());
    return HttpResponse.<ApiError>status(HttpStatus.SERVICE_UNAVAILABLE).header("Retry-After", "2")
        .body(new ApiError(503, "Kafka did not answer: " + e.getMessage() + "; retry"));
  }

  /** Kafka refused the operation for a reason of its own. */
  @Error(global = true, exception = KafkaException.class)
  HttpResponse<ApiError> kafkaRefused(HttpRequest<?> request, KafkaException e) {
    log.warn("{} {}: {}", request.getMethod(), request.getPath(), e.toString());
    return HttpResponse.<ApiError>status(HttpStatus.BAD_GATEWAY).body(new ApiError(502, "Kafka refused: " + e));
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

  @Error(global = true, exception = SubmissionFailedException.class)
  HttpResponse<ApiError> notWritten(HttpRequest<?> request, SubmissionFailedException e) {
    log.warn("{} {}: {}", request.getMethod(), request.getPath(), e.getMessage());
    return HttpResponse.<ApiError>status(HttpStatus.SERVICE_UNAVAILABLE).header("Retry-After", "2")
        .body(new ApiError(503, e.getMessage()));
  }
}
