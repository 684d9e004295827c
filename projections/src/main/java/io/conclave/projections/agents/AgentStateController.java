package io.conclave.projections.agents;

import io.conclave.projections.http.ReadAccess;
import io.conclave.runtime.readers.AgentLogs;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/** An agent's state, now or as it was (time travel). */
@ReadAccess
@Controller("/agents")
@ExecuteOn(TaskExecutors.BLOCKING)
class AgentStateController {
  private final AgentStates states;

  AgentStateController(AgentStates states) {
    this.states = states;
  }

  /**
   * An agent's state now, as of an offset of its log, or at a time. With {@code atOffset=N}, as it
   * was once the record at offset N of its partition of {@code conclave.decisions} was written;
   * with {@code at=T} (an ISO-8601 instant), as it was at that time.
   */
  @Get("/{agentId}/state")
  AgentStateView state(
      String agentId, @Nullable @QueryValue String atOffset, @Nullable @QueryValue String at) {
    if (atOffset != null && at != null) {
      throw new IllegalArgumentException("give atOffset or at, not both");
    }
    AgentLogs.Bound bound = new AgentLogs.Bound.End();
    if (atOffset != null) {
      long offset;
      try {
        offset = Long.parseLong(atOffset.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "atOffset must be a whole number >= 0, was '" + atOffset + "'");
      }
      if (offset < 0) {
        throw new IllegalArgumentException("atOffset must be >= 0, was " + offset);
      }
      bound = new AgentLogs.Bound.AtOffset(offset);
    } else if (at != null) {
      try {
        bound = new AgentLogs.Bound.AtTime(Instant.parse(at.trim()));
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException(
            "at must be an ISO-8601 instant such as 2026-11-24T10:00:00Z, was '" + at + "'");
      }
    }
    return states.state(agentId, bound);
  }
}
