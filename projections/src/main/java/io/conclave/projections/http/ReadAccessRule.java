package io.conclave.projections.http;

import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.rules.SecuredAnnotationRule;
import io.micronaut.security.rules.SecurityRule;
import io.micronaut.security.rules.SecurityRuleResult;
import io.micronaut.web.router.RouteAttributes;
import jakarta.inject.Singleton;
import java.util.Locale;
import org.reactivestreams.Publisher;

/**
 * Micronaut Security's rule for the {@link ReadAccess} routes: a GET of one is allowed to anyone
 * while {@code conclave.security.read-access} is {@code open} (the default), to any valid API token
 * when it is {@code authenticated}. It runs after {@link SecuredAnnotationRule}, so a route's
 * {@code @Secured} always wins, and says nothing of any other route or method.
 */
@Singleton
@Requires(property = "micronaut.security.enabled", notEquals = "false")
final class ReadAccessRule implements SecurityRule<HttpRequest<?>> {
  static final String PROPERTY = "conclave.security.read-access";
  private final boolean open;

  ReadAccessRule(@Value("${" + PROPERTY + ":open}") String readAccess) {
    this.open = isOpen(readAccess);
  }

  /**
   * @throws IllegalArgumentException unless {@code readAccess} is {@code open} or {@code
   *     authenticated}
   */
  static boolean isOpen(String readAccess) {
    return switch (readAccess.trim().toLowerCase(Locale.ROOT)) {
      case "open" -> true;
      case "authenticated" -> false;
      default ->
          throw new IllegalArgumentException(
              PROPERTY
                  + " is '"
                  + readAccess
                  + "': it is 'open' (anyone may read) or 'authenticated' (reads need an API token)");
    };
  }

  @Override
  public Publisher<SecurityRuleResult> check(
      HttpRequest<?> request, @Nullable Authentication authentication) {
    boolean read = request.getMethod() == HttpMethod.GET || request.getMethod() == HttpMethod.HEAD;
    boolean marked =
        RouteAttributes.getRouteMatch(request)
            .map(route -> route.getAnnotationMetadata().hasAnnotation(ReadAccess.class))
            .orElse(false);
    if (!read || !marked) {
      return Publishers.just(SecurityRuleResult.UNKNOWN);
    }
    return Publishers.just(
        open || authentication != null ? SecurityRuleResult.ALLOWED : SecurityRuleResult.REJECTED);
  }

  @Override
  public int getOrder() {
    return SecuredAnnotationRule.ORDER + 10;
  }
}
