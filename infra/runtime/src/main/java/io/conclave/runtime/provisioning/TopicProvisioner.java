package io.conclave.runtime.provisioning;

import io.conclave.runtime.topics.TopicDeclaration;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Makes the cluster hold the declared topics. Idempotent: a topic that exists as declared is left
 * alone; one that is missing is created; one that exists with a different cleanup policy or fewer
 * partitions is reported, never altered (changing either silently would lose data or reorder keys).
 */
public final class TopicProvisioner {
  private static final Duration RACE_WINDOW = Duration.ofSeconds(10);

  private final Admin admin;

  public TopicProvisioner(Admin admin) {
    this.admin = admin;
  }

  /** What one run did. */
  public record Report(List<String> created, List<String> unchanged, List<String> problems) {
    public Report {
      created = List.copyOf(created);
      unchanged = List.copyOf(unchanged);
      problems = List.copyOf(problems);
    }

    public boolean ok() {
      return problems.isEmpty();
    }
  }

  /** Thrown by {@link #ensureOrThrow} when an existing topic does not match its declaration. */
  public static final class TopicMismatchException extends RuntimeException {
    public TopicMismatchException(List<String> problems) {
      super("topics do not match their declaration: " + String.join("; ", problems));
    }
  }

  public Report ensureOrThrow(Collection<TopicDeclaration> declared) {
    Report report = ensure(declared);
    if (!report.ok()) {
      throw new TopicMismatchException(report.problems());
    }
    return report;
  }

  public Report ensure(Collection<TopicDeclaration> declared) {
    try {
      Set<String> existing = admin.listTopics().names().get();
      List<TopicDeclaration> missing =
          declared.stream().filter(d -> !existing.contains(d.name())).toList();
      List<String> created = create(missing);
      // everything not created by this run exists: it was listed, or someone else created it
      // meanwhile
      List<TopicDeclaration> present =
          declared.stream().filter(d -> !created.contains(d.name())).toList();
      List<String> problems = new ArrayList<>(check(present));
      List<String> unchanged = present.stream().map(TopicDeclaration::name).toList();
      return new Report(created, unchanged, problems);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while provisioning topics", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "could not provision topics: " + e.getCause().getMessage(), e.getCause());
    }
  }

  private List<String> create(List<TopicDeclaration> missing)
      throws InterruptedException, ExecutionException {
    if (missing.isEmpty()) {
      return List.of();
    }
    List<NewTopic> topics =
        missing.stream()
            .map(
                d ->
                    new NewTopic(d.name(), d.partitions(), d.replicationFactor())
                        .configs(d.configs()))
            .toList();
    List<String> created = new ArrayList<>();
    var results = admin.createTopics(topics).values();
    for (var entry : results.entrySet()) {
      try {
        entry.getValue().get();
        created.add(entry.getKey());
      } catch (ExecutionException e) {
        // another provisioner won the race (or the listing lagged): the topic is checked like any
        // existing one
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw e;
        }
      }
    }
    return created;
  }

  /**
   * Metadata of a topic created a moment ago may not have reached the broker that answers yet:
   * retry a short while on "unknown topic".
   */
  private List<String> check(List<TopicDeclaration> present)
      throws InterruptedException, ExecutionException {
    long deadline = System.nanoTime() + RACE_WINDOW.toNanos();
    while (true) {
      try {
        return checkOnce(present);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)
            || System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(50);
      }
    }
  }

  private List<String> checkOnce(List<TopicDeclaration> present)
      throws InterruptedException, ExecutionException {
    if (present.isEmpty()) {
      return List.of();
    }
    Map<String, TopicDescription> descriptions =
        admin
            .describeTopics(present.stream().map(TopicDeclaration::name).toList())
            .allTopicNames()
            .get();
    Map<ConfigResource, Config> configs =
        admin
            .describeConfigs(
                present.stream()
                    .map(d -> new ConfigResource(ConfigResource.Type.TOPIC, d.name()))
                    .toList())
            .all()
            .get();
    Map<String, Config> byName =
        configs.entrySet().stream()
            .collect(Collectors.toMap(e -> e.getKey().name(), Map.Entry::getValue));
    Function<String, String> cleanupOf =
        name -> {
          var entry = byName.get(name).get("cleanup.policy");
          return entry == null ? "delete" : entry.value();
        };
    List<String> problems = new ArrayList<>();
    for (TopicDeclaration d : present) {
      String actual = cleanupOf.apply(d.name());
      if (!normalise(actual).equals(normalise(d.cleanupPolicy()))) {
        problems.add(
            d.name() + " has cleanup.policy=" + actual + " but must be " + d.cleanupPolicy());
      }
      int partitions = descriptions.get(d.name()).partitions().size();
      if (partitions < d.partitions()) {
        problems.add(
            d.name()
                + " has "
                + partitions
                + " partitions, fewer than the "
                + d.partitions()
                + " declared");
      }
    }
    return problems;
  }

  private static Set<String> normalise(String policy) {
    return Set.of(policy.replace(" ", "").split(","));
  }
}
