package io.conclave.model;

/**
 * A domain value lacks a field it requires ({@link Require}). It is a {@link NullPointerException},
 * as a missing argument is anywhere in Java, but a typed one: where a record is read into the
 * domain, it says that the record is malformed (so the record is poison), whereas any other {@code
 * NullPointerException} there is a bug.
 */
public class MissingFieldException extends NullPointerException {
  public MissingFieldException(String field) {
    super(field + " is required");
  }
}
