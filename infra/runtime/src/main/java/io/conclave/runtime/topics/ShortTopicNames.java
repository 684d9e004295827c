package io.conclave.runtime.topics;

import java.util.regex.Pattern;

/**
 * Lets people name Conclave's topics without the installation's prefix: {@code tasks}, {@code
 * commands.research}, or the full {@code conclave.tasks}. Whatever is given resolves to a topic of
 * this installation.
 */
public final class ShortTopicNames {
  private static final Pattern LEGAL = Pattern.compile("[a-zA-Z0-9._-]+");
  private static final int MAX_LENGTH = 249; // Kafka's limit

  private ShortTopicNames() {}

  /**
   * The full name of {@code topic}: itself if it already starts with {@code <prefix>.}, else {@code
   * <prefix>.topic}.
   *
   * @throws IllegalArgumentException if the name is blank, too long or has characters a Kafka topic
   *     name cannot have
   */
  public static String resolve(TopicNames names, String topic) {
    if (topic == null || !LEGAL.matcher(topic).matches()) {
      throw new IllegalArgumentException(
          "a topic name may only contain letters, digits, '.', '_' and '-', was '" + topic + "'");
    }
    String prefix = names.prefix() + ".";
    String full = topic.startsWith(prefix) ? topic : prefix + topic;
    if (full.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(
          "a topic name has at most " + MAX_LENGTH + " characters, was " + full.length());
    }
    return full;
  }
}
