package io.conclave.agent.typed;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The decision kind a decision type is recorded under. Without it, the kind is the type's simple
 * name ({@code record Summary(...)} is recorded as {@code Summary}). Name the kind explicitly once
 * decisions of the type have been written, so that renaming the class does not orphan them.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface Kind {
  /** The decision kind, e.g. {@code SUMMARY}; not blank. */
  String value();

  /** Kinds of decision types. */
  final class Of {
    private Of() {}

    /** The kind {@code type}'s decisions are recorded under. */
    public static String type(Class<?> type) {
      Kind kind = type.getAnnotation(Kind.class);
      if (kind == null) {
        return type.getSimpleName();
      }
      if (kind.value().isBlank()) {
        throw new IllegalArgumentException("@Kind of " + type.getName() + " is blank");
      }
      return kind.value();
    }
  }
}
