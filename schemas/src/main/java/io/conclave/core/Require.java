package io.conclave.core;

import java.util.Objects;

/** Argument checks shared by the domain records; each failure names the offending field. */
final class Require {
  private Require() {}

  static String text(String value, String field) {
    Objects.requireNonNull(value, () -> field + " is required");
    if (value.isBlank()) {
      throw new IllegalArgumentException(field + " must not be blank");
    }
    return value;
  }

  static <T> T present(T value, String field) {
    return Objects.requireNonNull(value, () -> field + " is required");
  }

  static int notNegative(int value, String field) {
    if (value < 0) {
      throw new IllegalArgumentException(field + " must be >= 0, was " + value);
    }
    return value;
  }

  static long notNegative(long value, String field) {
    if (value < 0) {
      throw new IllegalArgumentException(field + " must be >= 0, was " + value);
    }
    return value;
  }
}
