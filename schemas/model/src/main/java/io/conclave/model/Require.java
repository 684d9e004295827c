package io.conclave.model;

/**
 * Argument checks shared by the domain records; each failure names the offending field. A missing
 * value is a {@link MissingFieldException} (a {@link NullPointerException}), any other bad value an
 * {@link IllegalArgumentException}. When the values come from a record, either means the record is
 * malformed: the record's reader turns it into a {@code PoisonRecordException} (a deserializer's
 * failure is poison already; a loop's handler wraps where it reads the record into the domain), so
 * the record is dead-lettered. Anywhere else, either is a bug.
 */
public final class Require {
  private Require() {}

  public static String text(String value, String field) {
    present(value, field);
    if (value.isBlank()) {
      throw new IllegalArgumentException(field + " must not be blank");
    }
    return value;
  }

  /** The longest id accepted: ids are Kafka keys, appear in URLs and order state-store keys. */
  public static final int MAX_ID_LENGTH = 128;

  /**
   * An identifier: 1 to {@value #MAX_ID_LENGTH} ASCII letters, digits, '-', '_' or '.', so it is
   * safe in a URL path, a topic or group name, and as a key prefix (no separator byte can occur
   * inside it).
   */
  public static String id(String value, String field) {
    return id(value, field, MAX_ID_LENGTH);
  }

  /**
   * An identifier of at most {@code maxLength} characters, of the characters {@link #id(String,
   * String)} allows.
   */
  public static String id(String value, String field, int maxLength) {
    text(value, field);
    if (value.length() > maxLength) {
      throw new IllegalArgumentException(field + " must be at most " + maxLength + " characters");
    }
    for (int i = 0; i < value.length(); i++) {
      if (!idChar(value.charAt(i))) {
        throw new IllegalArgumentException(
            field + " may only contain letters, digits, '-', '_' and '.'");
      }
    }
    return value;
  }

  private static boolean idChar(int c) {
    return c < 128 && (Character.isLetterOrDigit(c) || c == '-' || c == '_' || c == '.');
  }

  public static <T> T present(T value, String field) {
    if (value == null) {
      throw new MissingFieldException(field);
    }
    return value;
  }

  public static int notNegative(int value, String field) {
    if (value < 0) {
      throw new IllegalArgumentException(field + " must be >= 0, was " + value);
    }
    return value;
  }

  public static long notNegative(long value, String field) {
    if (value < 0) {
      throw new IllegalArgumentException(field + " must be >= 0, was " + value);
    }
    return value;
  }
}
