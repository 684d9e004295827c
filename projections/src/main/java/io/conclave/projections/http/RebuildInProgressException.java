package io.conclave.projections.http;

/** A rebuild was asked for while this instance was already rebuilding. */
public final class RebuildInProgressException extends ConflictException {
  public RebuildInProgressException(String message) {
    super(message);
  }
}
