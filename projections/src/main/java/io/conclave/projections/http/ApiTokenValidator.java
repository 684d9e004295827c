package io.conclave.projections.http;

import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.http.HttpRequest;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.token.validator.TokenValidator;
import jakarta.inject.Singleton;
import org.reactivestreams.Publisher;

/**
 * Micronaut Security's check of a bearer token ({@code Authorization: Bearer <token>}, read by its
 * {@code BearerTokenReader}): a configured {@link ApiTokens} token authenticates as its name with
 * its role and the roles below it ({@link ApiRoles}); any other token authenticates nobody, and the
 * request goes on anonymous.
 */
@Singleton
@Requires(property = "micronaut.security.enabled", notEquals = "false")
final class ApiTokenValidator implements TokenValidator<HttpRequest<?>> {
  private final ApiTokens tokens;

  ApiTokenValidator(ApiTokens tokens) {
    this.tokens = tokens;
  }

  @Override
  public Publisher<Authentication> validateToken(String token, @Nullable HttpRequest<?> request) {
    return tokens
        .find(token)
        .map(t -> Publishers.just(Authentication.build(t.name(), t.roles())))
        .orElseGet(Publishers::empty);
  }
}
