package io.conclave.projections.sagas;

import io.conclave.model.saga.LeaderStamp;
import io.conclave.model.saga.SagaDefinition;
import io.conclave.model.saga.SagaDefinitions;
import io.conclave.model.saga.SagaState;
import io.conclave.model.saga.SagaStep;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A saga as {@code GET /sagas/{id}} shows it, derived from its {@link SagaState}.
 *
 * @param status the saga's {@link SagaState.Status}
 * @param plan the saga's definition in the {@link SagaDefinitions} format; null while its start is
 *     unknown here (a rebuild that began after it)
 * @param reason why the saga compensates or ended without completing
 * @param compensations the steps being undone, in the order they are undone, and how far each is
 * @param durationMs from start to end; null until the saga ended
 * @param tenant who the saga's model calls are charged to
 * @param tokenBudget the tokens the shard leader granted the saga; null: no limit
 * @param tokensSpent what its settled steps' model calls spent (compensations not included)
 * @param costMicros what those calls cost, in micro-units of currency (the steps' saga events carry
 *     it)
 */
@Serdeable
public record SagaView(
    String sagaId,
    String taskId,
    String status,
    @Nullable String prompt,
    @Nullable Map<String, Object> plan,
    List<Step> steps,
    List<Compensation> compensations,
    @Nullable String reason,
    @Nullable Integer shard,
    @Nullable Long leaderEpoch,
    @Nullable Instant startedAt,
    @Nullable Instant endedAt,
    @Nullable Long durationMs,
    String tenant,
    @Nullable Long tokenBudget,
    long tokensSpent,
    long costMicros) {
  public SagaView {
    steps = steps == null ? List.of() : List.copyOf(steps); // JSON omits an empty list
    compensations = compensations == null ? List.of() : List.copyOf(compensations);
  }

  /**
   * One step and where it is.
   *
   * @param status its {@link SagaState.StepStatus}
   * @param deadline when the step fails unless it has completed; null if it has no deadline
   * @param approval the human decision on an approval step, once made
   * @param compensation how its compensation is going; null while there is none
   * @param tokens what its model calls spent, once it settled
   */
  @Serdeable
  public record Step(
      int index,
      String agentType,
      String action,
      boolean parallel,
      String status,
      @Nullable String output,
      @Nullable String error,
      @Nullable Instant dispatchedAt,
      @Nullable Instant deadline,
      @Nullable Instant finishedAt,
      @Nullable SagaState.Approval approval,
      @Nullable StepCompensation compensation,
      @Nullable Long tokens) {}

  /**
   * The compensation of one step.
   *
   * @param status PENDING, RUNNING, FAILED (retried after a backoff), DONE or PARKED (given up on:
   *     on the dead-letter topic for an operator)
   * @param attempt the latest attempt sent
   * @param error the latest attempt's error
   * @param at when it last changed
   */
  @Serdeable
  public record StepCompensation(
      String action, String status, int attempt, @Nullable String error, @Nullable Instant at) {}

  /**
   * One entry of the compensation order: step {@code step} is undone by {@code action}; {@code
   * status} as above.
   */
  @Serdeable
  public record Compensation(int step, String agentType, String action, String status) {}

  public static SagaView of(SagaState saga) {
    List<SagaStep> plan = saga.plan();
    List<Step> steps =
        saga.steps().stream()
            .map(s -> step(s, plan.get(s.index()), saga.spending().tokens().get(s.index())))
            .toList();
    List<Compensation> order =
        saga.compensationOrder().stream()
            .map(
                i ->
                    new Compensation(
                        i,
                        plan.get(i).agentType(),
                        plan.get(i).compensation(),
                        saga.steps().get(i).compensation().name()))
            .toList();
    LeaderStamp leader = saga.leader();
    Long durationMs =
        saga.startedAt() == null || saga.endedAt() == null
            ? null
            : Duration.between(saga.startedAt(), saga.endedAt()).toMillis();
    return new SagaView(
        saga.sagaId(),
        saga.taskId(),
        saga.status().name(),
        saga.prompt().isEmpty() ? null : saga.prompt(),
        saga.isStarted() ? SagaDefinitions.toTree(new SagaDefinition(plan)) : null,
        steps,
        order,
        saga.reason(),
        leader == null ? null : leader.shard(),
        leader == null ? null : leader.epoch(),
        saga.startedAt(),
        saga.endedAt(),
        durationMs,
        saga.spending().tenant(),
        saga.spending().budget().isPresent() ? saga.spending().budget().getAsLong() : null,
        saga.spending().spent(),
        saga.spending().cost());
  }

  private static Step step(SagaState.StepState s, SagaStep planned, Long tokens) {
    StepCompensation compensation =
        s.compensation() == SagaState.CompensationStatus.NONE
            ? null
            : new StepCompensation(
                planned.compensation(),
                s.compensation().name(),
                s.compensationAttempt(),
                s.compensationError(),
                s.compensationAt());
    return new Step(
        s.index(),
        s.agentType(),
        s.action(),
        s.parallel(),
        s.status().name(),
        s.output(),
        s.error(),
        s.dispatchedAt(),
        s.deadline(),
        s.finishedAt(),
        s.approval(),
        compensation,
        tokens);
  }
}
