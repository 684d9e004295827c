package io.conclave.runtime.admin;

import io.conclave.runtime.readers.LogPosition;
import io.conclave.runtime.readers.UnknownTopicException;
import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * The broker side of rebuilding a Kafka Streams application from a point of its input, what Kafka's
 * {@code kafka-streams-application-reset} does: with the application's consumer group empty, move
 * its committed offsets on every input topic to a {@link LogPosition}, then delete the
 * application's internal topics (changelogs and repartition topics) and wait until they are gone.
 * The caller then starts the application with empty local state, so its stores hold the fold of the
 * input from that point only.
 *
 * <p>Stateless; the {@link Admin} client is the caller's.
 */
public final class StreamsReset {
  private static final Duration POLL = Duration.ofMillis(100);

  private StreamsReset() {}

  /**
   * What a reset did.
   *
   * @param offsets the committed offset of each input topic-partition now, in topic order
   * @param deletedTopics the internal topics deleted, sorted
   */
  public record Outcome(Map<TopicPartition, Long> offsets, List<String> deletedTopics) {
    public Outcome {
      offsets = Collections.unmodifiableMap(new LinkedHashMap<>(offsets));
      deletedTopics = List.copyOf(deletedTopics);
    }
  }

  /**
   * Resets the application {@code applicationId} (its consumer group has the same name).
   *
   * @param deletionTimeout how long to wait for the internal topics to disappear (deletion is
   *     asynchronous)
   * @throws GroupActiveException if an instance of the application is still a member (nothing is
   *     changed)
   * @throws UnknownTopicException if an input topic does not exist (nothing is changed)
   * @throws TimeoutException if an internal topic still exists after {@code deletionTimeout}
   * @throws ExecutionException if Kafka refuses or fails otherwise
   */
  public static Outcome reset(
      Admin admin,
      String applicationId,
      Collection<String> inputTopics,
      LogPosition to,
      Duration deletionTimeout)
      throws InterruptedException, ExecutionException {
    return reset(admin, applicationId, inputTopics, to, deletionTimeout, step -> {});
  }

  /** What a reset has done so far, for a caller that shows its progress. */
  public sealed interface Step permits OffsetsMoved, DeletingTopics, TopicsLeft {}

  /** The committed offsets are moved, on this many input partitions. */
  public record OffsetsMoved(int partitions) implements Step {}

  /** These internal topics are being deleted. */
  public record DeletingTopics(List<String> topics) implements Step {}

  /** Of the internal topics deleted, these still exist (told at each check until none is left). */
  public record TopicsLeft(List<String> topics) implements Step {}

  /**
   * As {@link #reset(Admin, String, Collection, LogPosition, Duration)}, telling {@code progress}
   * each step as it is done.
   */
  public static Outcome reset(
      Admin admin,
      String applicationId,
      Collection<String> inputTopics,
      LogPosition to,
      Duration deletionTimeout,
      Consumer<Step> progress)
      throws InterruptedException, ExecutionException {
    Objects.requireNonNull(to, "to");
    Map<TopicPartition, Long> offsets = GroupReset.reset(admin, applicationId, inputTopics, to);
    progress.accept(new OffsetsMoved(offsets.size()));
    List<String> internal =
        admin.listTopics().names().get().stream()
            .filter(topic -> isInternalTopic(applicationId, topic))
            .sorted()
            .toList();
    if (!internal.isEmpty()) {
      progress.accept(new DeletingTopics(internal));
      try {
        admin.deleteTopics(internal).all().get();
      } catch (ExecutionException e) {
        // deleted meanwhile by someone else: that is what we wanted
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
          throw e;
        }
      }
      awaitGone(admin, internal, deletionTimeout, progress);
    }
    return new Outcome(offsets, internal);
  }

  /**
   * Whether {@code topic} is one Kafka Streams made for {@code applicationId}: {@code
   * <applicationId>-...-changelog} or {@code <applicationId>-...-repartition} (the rule of Kafka's
   * own reset tool).
   */
  public static boolean isInternalTopic(String applicationId, String topic) {
    return topic.startsWith(applicationId + "-")
        && (topic.endsWith("-changelog") || topic.endsWith("-repartition"));
  }

  private static void awaitGone(
      Admin admin, List<String> topics, Duration timeout, Consumer<Step> progress)
      throws InterruptedException, ExecutionException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Set<String> names = admin.listTopics().names().get();
      List<String> left = topics.stream().filter(names::contains).toList();
      progress.accept(new TopicsLeft(left));
      if (left.isEmpty()) {
        return;
      }
      if (System.nanoTime() - deadline > 0) {
        throw new TimeoutException(
            "internal topics "
                + left
                + " still exist "
                + timeout.toMillis()
                + " ms after their deletion; retry");
      }
      Thread.sleep(POLL.toMillis());
    }
  }
}
