package io.conclave.projections;

/** The projections cannot answer yet (Kafka Streams is starting or rebalancing): try again shortly. */
public final class ProjectionUnavailableException extends RuntimeException {
  public ProjectionUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
