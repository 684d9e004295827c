package io.conclave.projections.agents;

import io.conclave.model.eventlog.AgentIds;
import io.conclave.model.eventlog.LatestState;
import io.conclave.model.eventlog.StateFold;
import io.conclave.model.eventlog.StateFolds;
import io.conclave.model.journal.FoldedLog;
import io.conclave.projections.http.NotFoundException;
import io.conclave.projections.http.ProjectionUnavailableException;
import io.conclave.runtime.config.ConclaveSettings;
import io.conclave.runtime.readers.AgentLogs;
import io.conclave.schemas.ConclaveSerdes;
import io.micronaut.context.annotation.Value;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.KafkaException;

/**
 * Agents' states as of any point of their logs (time travel): the fold of the agent's decisions in
 * Kafka, from the latest snapshot that covers nothing after that point. The folds are the {@code
 * StateFoldProvider}s on the class path, and {@link LatestState} for the types {@code
 * conclave.worker.remote-agents} serves remotely (the workers' setting, given to the projections
 * too); an agent type none of them knows gets the tally of its decisions. One query at a time per
 * instance.
 */
@Singleton
class AgentStates implements AutoCloseable {
  private final AgentLogs logs;
  private final StateFolds folds = StateFolds.fromClassPath();
  private final JsonMapper json;
  private final Set<String> remoteTypes;

  /**
   * @param remoteAgents {@code conclave.worker.remote-agents}: {@code type=url,...}
   */
  AgentStates(
      ConclaveSettings settings,
      ConclaveSerdes serdes,
      JsonMapper json,
      @Value("${conclave.worker.remote-agents:}") String remoteAgents) {
    this.logs = new AgentLogs(settings, serdes);
    this.json = json;
    this.remoteTypes = remoteTypes(remoteAgents);
  }

  /** The agent types of a {@code type=url,...} list. */
  static Set<String> remoteTypes(String remoteAgents) {
    return Arrays.stream(remoteAgents.split(","))
        .map(String::trim)
        .filter(entry -> entry.contains("="))
        .map(entry -> entry.substring(0, entry.indexOf('=')).trim())
        .collect(Collectors.toUnmodifiableSet());
  }

  /**
   * @throws IllegalArgumentException if the agent id is not {@code <type>-<instance>}
   * @throws NotFoundException if the agent had recorded no decision up to the bound
   */
  AgentStateView state(String agentId, AgentLogs.Bound bound) {
    String type = AgentIds.typeOf(agentId);
    StateFold<?> fold = remoteTypes.contains(type) ? LatestState.FOLD : folds.forAgentType(type);
    return view(agentId, type, fold, bound);
  }

  private <S> AgentStateView view(
      String agentId, String type, StateFold<S> fold, AgentLogs.Bound bound) {
    FoldedLog<S> folded;
    try {
      folded = logs.fold(agentId, fold, bound, true);
    } catch (KafkaException e) {
      throw new ProjectionUnavailableException(
          "cannot read the log of " + agentId + " now: " + e.getMessage(), e);
    }
    if (folded.nextSequence() == 0) {
      throw new NotFoundException(
          "agent '"
              + agentId
              + "' had recorded no decision "
              + (bound instanceof AgentLogs.Bound.End ? "" : "by then ")
              + "(see /agents/"
              + agentId
              + "/decisions)");
    }
    Long atOffset = bound instanceof AgentLogs.Bound.AtOffset o ? o.offset() : null;
    Instant at = bound instanceof AgentLogs.Bound.AtTime t ? t.time() : null;
    var snapshot =
        folded
            .snapshot()
            .map(
                s -> new AgentStateView.SnapshotView(s.nextSequence(), s.decisionsOffset(), s.at()))
            .orElse(null);
    return new AgentStateView(
        agentId,
        type,
        fold.id(),
        atOffset,
        at,
        logs.decisionsPartition(agentId).partition(),
        folded.decisionsOffset(),
        folded.lastSequence(),
        folded.folded(),
        snapshot,
        folded.gaps(),
        asJson(fold.encode(folded.state())));
  }

  /** The encoded state as JSON; a fold whose encoding is not JSON is shown as a JSON string. */
  private JsonNode asJson(String encoded) {
    try {
      return json.readValue(encoded.getBytes(StandardCharsets.UTF_8), JsonNode.class);
    } catch (IOException | RuntimeException e) {
      return JsonNode.createStringNode(encoded);
    }
  }

  @PreDestroy
  @Override
  public void close() {
    logs.close();
  }
}
