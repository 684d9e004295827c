package io.conclave.projections;

import io.conclave.core.Decision;
import io.conclave.core.DecisionKey;
import io.conclave.core.SagaEvent;
import io.conclave.core.TaskSubmission;
import io.conclave.kafka.TopicNames;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The projections' Kafka Streams topology:
 * <ul>
 *   <li>{@value #SUBMISSIONS}: taskId -> the submitted task (from conclave.tasks);</li>
 *   <li>{@value #SAGAS}: taskId -> the fold of its saga's events (conclave.saga-events, regrouped by task);</li>
 *   <li>{@value #DECISIONS}: (agentId, sequence) -> decision, in sequence order per agent (conclave.decisions).</li>
 * </ul>
 */
public final class ProjectionTopology {
  public static final String SUBMISSIONS = "task-submissions";
  public static final String SAGAS = "task-sagas";
  public static final String DECISIONS = "agent-decisions";

  private ProjectionTopology() {}

  /** The serdes the topology reads and stores with. */
  public record TopologySerdes(Serde<TaskSubmission> tasks, Serde<SagaEvent> sagaEvents, Serde<DecisionKey> decisionKeys,
                        Serde<Decision> decisions, Serde<TaskView> taskViews, Serde<DecisionView> decisionViews) {}

  /** Adds the projections to {@code builder}; returns the saga-event stream (micronaut-kafka wants a stream bean). */
  public static KStream<String, SagaEvent> build(StreamsBuilder builder, TopicNames topics, TopologySerdes serdes) {
    builder.stream(topics.tasks(), Consumed.with(Serdes.String(), serdes.tasks()))
        .mapValues(t -> TaskView.submitted(t.taskId(), t.prompt(), t.submittedAt()))
        .toTable(Materialized.<String, TaskView, KeyValueStore<Bytes, byte[]>>as(SUBMISSIONS)
            .withKeySerde(Serdes.String()).withValueSerde(serdes.taskViews()));

    KStream<String, SagaEvent> sagaEvents =
        builder.stream(topics.sagaEvents(), Consumed.with(Serdes.String(), serdes.sagaEvents()));
    sagaEvents
        .groupBy((key, event) -> event.taskId(), Grouped.with("saga-events-by-task", Serdes.String(),
            serdes.sagaEvents()))
        .aggregate(() -> null,
            (taskId, event, view) -> (view == null ? TaskView.empty(taskId) : view).apply(event),
            Materialized.<String, TaskView, KeyValueStore<Bytes, byte[]>>as(SAGAS)
                .withKeySerde(Serdes.String()).withValueSerde(serdes.taskViews()));

    builder.stream(topics.decisions(), Consumed.with(serdes.decisionKeys(), serdes.decisions()))
        .mapValues(DecisionView::of)
        .toTable(Materialized.<DecisionKey, DecisionView, KeyValueStore<Bytes, byte[]>>as(DECISIONS)
            .withKeySerde(new DecisionKeyOrder()).withValueSerde(serdes.decisionViews()));
    return sagaEvents;
  }
}
