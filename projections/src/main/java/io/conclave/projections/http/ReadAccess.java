package io.conclave.projections.http;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the read endpoints (GET): open to anyone by default, or to any valid API token when {@code
 * conclave.security.read-access=authenticated} ({@link ReadAccessRule}). Every other route names
 * the role it needs with {@code @Secured}; a route with neither is refused.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface ReadAccess {}
