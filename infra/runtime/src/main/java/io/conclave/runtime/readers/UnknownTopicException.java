package io.conclave.runtime.readers;

/** The topic asked for does not exist (a bad argument, so an {@link IllegalArgumentException}). */
public final class UnknownTopicException extends IllegalArgumentException {
  public UnknownTopicException(String topic) {
    super("no topic named " + topic);
  }
}
