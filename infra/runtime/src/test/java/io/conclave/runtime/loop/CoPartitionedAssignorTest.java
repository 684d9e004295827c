package io.conclave.runtime.loop;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.GroupSubscription;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.Subscription;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class CoPartitionedAssignorTest {
  private static final String COMMANDS = "c.commands.research";
  private static final String COMPENSATIONS = "c.compensations.research";
  private static final int PARTITIONS = 6;

  private final CoPartitionedAssignor assignor = new CoPartitionedAssignor();

  @Test
  void eachMemberGetsPartitionPOfEveryTopicOrOfNone() {
    // when
    var assigned = assign(Map.of("a", List.of(), "b", List.of(), "c", List.of()), 1);

    // then
    List<Integer> seen = new ArrayList<>();
    assigned.forEach(
        (member, partitions) -> {
          var commands = numbers(partitions, COMMANDS);
          assertThat(numbers(partitions, COMPENSATIONS)).as(member).isEqualTo(commands);
          seen.addAll(commands);
        });
    assertThat(seen).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5);
  }

  @Test
  void aJoiningMemberTakesPartitionsOnlyOnceTheirOwnerGaveThemUpBothTopicsTogether() {
    // given: a owns everything
    List<TopicPartition> all = new ArrayList<>();
    for (int p = 0; p < PARTITIONS; p++) {
      all.add(new TopicPartition(COMMANDS, p));
      all.add(new TopicPartition(COMPENSATIONS, p));
    }

    // when: b joins
    var first = assign(Map.of("a", all, "b", List.of()), 2);

    // then: cooperative: b gets nothing in this round, a gives up the same numbers on both topics
    assertThat(first.get("b")).isEmpty();
    assertThat(numbers(first.get("a"), COMPENSATIONS)).isEqualTo(numbers(first.get("a"), COMMANDS));
    assertThat(numbers(first.get("a"), COMMANDS)).hasSizeLessThan(PARTITIONS);

    // when: the next round, with what a kept
    var second = assign(Map.of("a", first.get("a"), "b", List.of()), 3);

    // then: b gets the rest, both topics
    assertThat(numbers(second.get("b"), COMMANDS))
        .isNotEmpty()
        .isEqualTo(numbers(second.get("b"), COMPENSATIONS))
        .doesNotContainAnyElementsOf(numbers(second.get("a"), COMMANDS));
  }

  private Map<String, List<TopicPartition>> assign(
      Map<String, List<TopicPartition>> owned, int generation) {
    Map<String, Subscription> members = new HashMap<>();
    owned.forEach(
        (member, partitions) ->
            members.put(
                member,
                new Subscription(
                    List.of(COMMANDS, COMPENSATIONS),
                    assignor.subscriptionUserData(
                        new java.util.HashSet<>(List.of(COMMANDS, COMPENSATIONS))),
                    partitions,
                    generation,
                    Optional.empty())));
    Map<String, List<TopicPartition>> out = new HashMap<>();
    assignor
        .assign(cluster(), new GroupSubscription(members))
        .groupAssignment()
        .forEach((member, a) -> out.put(member, a.partitions()));
    return out;
  }

  private static TreeSet<Integer> numbers(List<TopicPartition> partitions, String topic) {
    TreeSet<Integer> out = new TreeSet<>();
    partitions.stream()
        .filter(tp -> tp.topic().equals(topic))
        .forEach(tp -> out.add(tp.partition()));
    return out;
  }

  private static Cluster cluster() {
    Node node = new Node(0, "localhost", 9092);
    List<PartitionInfo> infos = new ArrayList<>();
    for (String topic : List.of(COMMANDS, COMPENSATIONS)) {
      for (int p = 0; p < PARTITIONS; p++) {
        infos.add(new PartitionInfo(topic, p, node, new Node[] {node}, new Node[] {node}));
      }
    }
    return new Cluster("c", List.of(node), infos, java.util.Set.of(), java.util.Set.of());
  }
}
