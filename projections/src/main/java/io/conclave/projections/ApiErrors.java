package io.conclave.projections;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Error;
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

  @Error(global = true, exception = NotFoundException.class)
  HttpResponse<ApiError> notFound(HttpRequest<?> request, NotFoundException e) {
    return HttpResponse.<ApiError>notFound().body(new ApiError(404, e.getMessage()));
  }

  @Error(global = true, exception = ProjectionUnavailableException.class)
  HttpResponse<ApiError> notReady(HttpRequest<?> request, ProjectionUnavailableException e) {
    return HttpResponse.<ApiError>status(HttpStatus.SERVICE_UNAVAILABLE).header("Retry-After", "1")
        .body(new ApiError(503, e.getMessage()));
  }

  @Error(global = true, exception = SubmissionFailedException.class)
  HttpResponse<ApiError> notWritten(HttpRequest<?> request, SubmissionFailedException e) {
    log.warn("{} {}: {}", request.getMethod(), request.getPath(), e.getMessage());
    return HttpResponse.<ApiError>status(HttpStatus.SERVICE_UNAVAILABLE).header("Retry-After", "2")
        .body(new ApiError(503, e.getMessage()));
  }
}
