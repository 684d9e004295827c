package io.conclave.schemas;

import io.conclave.model.cluster.BreakerStateChanged;
import io.conclave.model.cluster.DeadLetter;
import io.conclave.model.cluster.LeaderElected;
import io.conclave.model.cluster.RedrivenStep;
import io.conclave.model.cluster.TaskSubmission;
import io.conclave.model.crdt.CausalContext;
import io.conclave.model.crdt.Crdt;
import io.conclave.model.crdt.Dot;
import io.conclave.model.crdt.GCounter;
import io.conclave.model.crdt.Hlc;
import io.conclave.model.crdt.LwwMap;
import io.conclave.model.crdt.LwwRegister;
import io.conclave.model.crdt.OrSet;
import io.conclave.model.crdt.PNCounter;
import io.conclave.model.crdt.Stamp;
import io.conclave.model.eventlog.Decision;
import io.conclave.model.eventlog.DecisionKey;
import io.conclave.model.eventlog.KnowledgeUpdate;
import io.conclave.model.journal.AgentSnapshot;
import io.conclave.model.knowledge.KnowledgeDelta;
import io.conclave.model.knowledge.ReplicaKnowledge;
import io.conclave.model.saga.CompensateCommand;
import io.conclave.model.saga.LeaderStamp;
import io.conclave.model.saga.RegisteredSaga;
import io.conclave.model.saga.RoutingSlip;
import io.conclave.model.saga.SagaDefinition;
import io.conclave.model.saga.SagaEvent;
import io.conclave.model.saga.SagaStep;
import io.conclave.model.saga.ShardCheckpoint;
import io.conclave.model.saga.Spending;
import io.conclave.model.saga.StepCommand;
import io.conclave.model.saga.StepPolicy;
import io.conclave.schemas.avro.GCounterState;
import io.conclave.schemas.avro.LwwMapState;
import io.conclave.schemas.avro.LwwRegisterState;
import io.conclave.schemas.avro.LwwStamp;
import io.conclave.schemas.avro.OrSetState;
import io.conclave.schemas.avro.PNCounterState;
import io.conclave.schemas.avro.SagaEventKind;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The only place where generated Avro classes meet the domain records. Reading validates: an Avro
 * record that decodes but breaks a domain rule (a blank prompt, a cursor past the plan) throws
 * IllegalArgumentException, which consumers treat like any unreadable record.
 */
final class AvroMapping {
  /** The v2 knowledge string of a snapshot that holds no knowledge in it. */
  static final String LEGACY_NO_KNOWLEDGE = "{}";

  private AvroMapping() {}

  static io.conclave.schemas.avro.TaskSubmitted toAvro(TaskSubmission t) {
    return new io.conclave.schemas.avro.TaskSubmitted(
        t.taskId(),
        t.prompt(),
        t.submittedAt(),
        t.plan().map(AvroMapping::stepsToAvro).orElse(null),
        t.tenant(),
        t.definition().orElse(null));
  }

  static TaskSubmission fromAvro(io.conclave.schemas.avro.TaskSubmitted a) {
    return new TaskSubmission(
        a.getTaskId(),
        a.getPrompt(),
        a.getSubmittedAt(),
        Optional.ofNullable(a.getPlan()).map(AvroMapping::stepsFromAvro),
        a.getTenant(),
        Optional.ofNullable(a.getDefinition()));
  }

  static io.conclave.schemas.avro.SagaDefinitionRegistered toAvro(RegisteredSaga r) {
    return new io.conclave.schemas.avro.SagaDefinitionRegistered(
        r.name(), stepsToAvro(r.definition().steps()), r.registeredAt());
  }

  static RegisteredSaga fromAvro(io.conclave.schemas.avro.SagaDefinitionRegistered a) {
    return new RegisteredSaga(
        a.getName(), new SagaDefinition(stepsFromAvro(a.getSteps())), a.getRegisteredAt());
  }

  static io.conclave.schemas.avro.SagaStep toAvro(SagaStep s) {
    StepPolicy p = s.policy();
    return new io.conclave.schemas.avro.SagaStep(
        s.agentType(),
        s.action(),
        s.input(),
        s.compensation(),
        s.parallel(),
        p.timeout().toMillis(),
        p.maxAttempts(),
        p.backoff().toMillis());
  }

  static SagaStep fromAvro(io.conclave.schemas.avro.SagaStep a) {
    return new SagaStep(
        a.getAgentType(),
        a.getAction(),
        a.getInput(),
        a.getCompensation(),
        a.getParallel(),
        new StepPolicy(
            Duration.ofMillis(a.getTimeoutMs()),
            a.getMaxAttempts(),
            Duration.ofMillis(a.getBackoffMs())));
  }

  static List<io.conclave.schemas.avro.SagaStep> stepsToAvro(List<SagaStep> steps) {
    return steps.stream().map(AvroMapping::toAvro).toList();
  }

  static List<SagaStep> stepsFromAvro(List<io.conclave.schemas.avro.SagaStep> steps) {
    return steps.stream().map(AvroMapping::fromAvro).toList();
  }

  static io.conclave.schemas.avro.RoutingSlip toAvro(RoutingSlip s) {
    Spending spending = s.spending();
    return new io.conclave.schemas.avro.RoutingSlip(
        s.sagaId(),
        s.taskId(),
        stepsToAvro(s.steps()),
        s.cursor(),
        s.prompt(),
        byIndex(s.outputs(), s.steps().size()),
        byIndex(s.failures(), s.steps().size()),
        spending.tenant(),
        nullable(spending.budget()),
        byIndex(spending.tokens(), s.steps().size()));
  }

  static RoutingSlip fromAvro(io.conclave.schemas.avro.RoutingSlip a) {
    var spending =
        new Spending(a.getTenant(), optionalLong(a.getTokenBudget()), fromIndex(a.getTokens()));
    return new RoutingSlip(
        a.getSagaId(),
        a.getTaskId(),
        a.getPrompt(),
        stepsFromAvro(a.getSteps()),
        a.getCursor(),
        fromIndex(a.getOutputs()),
        fromIndex(a.getFailures()),
        spending);
  }

  private static OptionalLong optionalLong(Long value) {
    return value == null ? OptionalLong.empty() : OptionalLong.of(value);
  }

  private static Long nullable(OptionalLong value) {
    return value.isPresent() ? value.getAsLong() : null;
  }

  static io.conclave.schemas.avro.LeaderStamp toAvro(LeaderStamp s) {
    return new io.conclave.schemas.avro.LeaderStamp(s.shard(), s.epoch());
  }

  static LeaderStamp fromAvro(io.conclave.schemas.avro.LeaderStamp a) {
    return new LeaderStamp(a.getShard(), a.getEpoch());
  }

  static io.conclave.schemas.avro.StepCommand toAvro(StepCommand c) {
    return new io.conclave.schemas.avro.StepCommand(
        toAvro(c.slip()),
        c.input(),
        c.attempt(),
        toAvro(c.origin()),
        c.issuedAt(),
        c.deadline().orElse(null));
  }

  static StepCommand fromAvro(io.conclave.schemas.avro.StepCommand a) {
    return new StepCommand(
        fromAvro(a.getSlip()),
        a.getInput(),
        a.getAttempt(),
        fromAvro(a.getOrigin()),
        a.getIssuedAt(),
        Optional.ofNullable(a.getDeadline()));
  }

  static io.conclave.schemas.avro.CompensateCommand toAvro(CompensateCommand c) {
    return new io.conclave.schemas.avro.CompensateCommand(
        toAvro(c.slip()),
        c.stepIndex(),
        c.reason(),
        c.attempt(),
        toAvro(c.origin()),
        c.issuedAt(),
        c.remaining());
  }

  static CompensateCommand fromAvro(io.conclave.schemas.avro.CompensateCommand a) {
    return new CompensateCommand(
        fromAvro(a.getSlip()),
        a.getStepIndex(),
        a.getRemaining(),
        a.getReason(),
        a.getAttempt(),
        fromAvro(a.getOrigin()),
        a.getIssuedAt());
  }

  static io.conclave.schemas.avro.SagaEvent toAvro(SagaEvent e) {
    var b =
        io.conclave.schemas.avro.SagaEvent.newBuilder()
            .setSagaId(e.sagaId())
            .setTaskId(e.taskId())
            .setSeq(e.seq())
            .setAt(e.at());
    return e.accept(new SagaEventFields(b)).build();
  }

  /**
   * Sets the kind of a saga event, and the fields that kind carries, on the builder of its Avro
   * record.
   */
  private record SagaEventFields(io.conclave.schemas.avro.SagaEvent.Builder b)
      implements SagaEvent.Visitor<io.conclave.schemas.avro.SagaEvent.Builder> {
    @Override
    public io.conclave.schemas.avro.SagaEvent.Builder started(SagaEvent.Started s) {
      return b.setKind(SagaEventKind.STARTED)
          .setPlan(stepsToAvro(s.plan()))
          .setLeader(toAvro(s.leader()))
          .setPrompt(s.prompt())
          .setTenant(s.spending().tenant())
          .setTokenBudget(nullable(s.spending().budget()));
    }

    @Override
    public io.conclave.schemas.avro.SagaEvent.Builder stepCompleted(SagaEvent.StepCompleted s) {
      return b.setKind(SagaEventKind.STEP_COMPLETED)
          .setStepIndex(s.stepIndex())
          .setAgentType(s.agentType())
          .setOutput(s.output())
          .setTokens(s.tokens())
          .setCostMicros(s.costMicros());
    }

    @Override
    public io.conclave.schemas.avro.SagaEvent.Builder stepFailed(SagaEvent.StepFailed s) {
      return b.setKind(SagaEventKind.STEP_FAILED)
          .setStepIndex(s.stepIndex())
          .setAgentType(s.agentType())
          .setError(s.error())
          .setTokens(s.tokens())
          .setCostMicros(s.costMicros());
    }

    @Override
    public io.conclave.schemas.avro.SagaEvent.Builder compensated(SagaEvent.Compensated s) {
      return b.setKind(SagaEventKind.COMPENSATED)
          .setStepIndex(s.stepIndex())
          .setAgentType(s.agentType());
    }

    @Override
    public io.conclave.schemas.avro.SagaEvent.Builder completed(SagaEvent.Completed s) {
      return b.setKind(SagaEventKind.COMPLETED);
    }

    @Override
    public io.conclave.schemas.avro.SagaEvent.Builder aborted(SagaEvent.Aborted s) {
      return b.setKind(SagaEventKind.ABORTED).setError(s.reason());
    }

    @Override
    public io.conclave.schemas.avro.SagaEvent.Builder approvalRequested(
        SagaEvent.ApprovalRequested s) {
      return b.setKind(SagaEventKind.APPROVAL_REQUESTED).setStepIndex(s.stepIndex());
    }

    @Override
    public io.conclave.schemas.avro.SagaEvent.Builder approvalDecided(SagaEvent.ApprovalDecided s) {
      return b.setKind(SagaEventKind.APPROVAL_DECIDED)
          .setStepIndex(s.stepIndex())
          .setApproved(s.approved())
          .setActor(s.actor())
          .setOutput(s.comment());
    }

    @Override
    public io.conclave.schemas.avro.SagaEvent.Builder joined(SagaEvent.Joined s) {
      return b.setKind(SagaEventKind.JOINED).setStepIndex(s.stepIndex());
    }

    @Override
    public io.conclave.schemas.avro.SagaEvent.Builder dispatchHeld(SagaEvent.DispatchHeld s) {
      return b.setKind(SagaEventKind.DISPATCH_HELD)
          .setStepIndex(s.stepIndex())
          .setAgentType(s.agentType());
    }

    @Override
    public io.conclave.schemas.avro.SagaEvent.Builder dispatchReleased(
        SagaEvent.DispatchReleased s) {
      return b.setKind(SagaEventKind.DISPATCH_RELEASED)
          .setStepIndex(s.stepIndex())
          .setAgentType(s.agentType());
    }

    @Override
    public io.conclave.schemas.avro.SagaEvent.Builder compensationFailed(
        SagaEvent.CompensationFailed s) {
      return b.setKind(SagaEventKind.COMPENSATION_FAILED)
          .setStepIndex(s.stepIndex())
          .setAgentType(s.agentType())
          .setAttempt(s.attempt())
          .setError(s.error());
    }

    @Override
    public io.conclave.schemas.avro.SagaEvent.Builder compensationRetried(
        SagaEvent.CompensationRetried s) {
      return b.setKind(SagaEventKind.COMPENSATION_RETRIED)
          .setStepIndex(s.stepIndex())
          .setAgentType(s.agentType())
          .setAttempt(s.attempt());
    }

    @Override
    public io.conclave.schemas.avro.SagaEvent.Builder compensationParked(
        SagaEvent.CompensationParked s) {
      return b.setKind(SagaEventKind.COMPENSATION_PARKED)
          .setStepIndex(s.stepIndex())
          .setAgentType(s.agentType())
          .setAttempt(s.attempts())
          .setError(s.error());
    }
  }

  static SagaEvent fromAvro(io.conclave.schemas.avro.SagaEvent a) {
    String saga = a.getSagaId();
    String task = a.getTaskId();
    long seq = a.getSeq();
    // a switch without default: a new kind does not compile until it is read
    return switch (a.getKind()) {
      case STARTED ->
          new SagaEvent.Started(
              saga,
              task,
              seq,
              stepsFromAvro(required(a.getPlan(), "plan")),
              a.getPrompt() == null ? "" : a.getPrompt(),
              fromAvro(required(a.getLeader(), "leader")),
              a.getAt(),
              new Spending(
                  a.getTenant() == null ? Spending.DEFAULT_TENANT : a.getTenant(),
                  optionalLong(a.getTokenBudget()),
                  Map.of()));
      case STEP_COMPLETED ->
          new SagaEvent.StepCompleted(
              saga,
              task,
              seq,
              required(a.getStepIndex(), "stepIndex"),
              required(a.getAgentType(), "agentType"),
              required(a.getOutput(), "output"),
              a.getAt(),
              a.getTokens() == null ? 0 : a.getTokens(),
              a.getCostMicros() == null ? 0 : a.getCostMicros());
      case STEP_FAILED ->
          new SagaEvent.StepFailed(
              saga,
              task,
              seq,
              required(a.getStepIndex(), "stepIndex"),
              required(a.getAgentType(), "agentType"),
              required(a.getError(), "error"),
              a.getAt(),
              a.getTokens() == null ? 0 : a.getTokens(),
              a.getCostMicros() == null ? 0 : a.getCostMicros());
      case COMPENSATED ->
          new SagaEvent.Compensated(
              saga,
              task,
              seq,
              required(a.getStepIndex(), "stepIndex"),
              required(a.getAgentType(), "agentType"),
              a.getAt());
      case COMPLETED -> new SagaEvent.Completed(saga, task, seq, a.getAt());
      case ABORTED ->
          new SagaEvent.Aborted(saga, task, seq, required(a.getError(), "error"), a.getAt());
      case APPROVAL_REQUESTED ->
          new SagaEvent.ApprovalRequested(
              saga, task, required(a.getStepIndex(), "stepIndex"), a.getAt());
      case APPROVAL_DECIDED ->
          new SagaEvent.ApprovalDecided(
              saga,
              task,
              required(a.getStepIndex(), "stepIndex"),
              required(a.getApproved(), "approved"),
              required(a.getActor(), "actor"),
              a.getOutput() == null ? "" : a.getOutput(),
              a.getAt());
      case JOINED ->
          new SagaEvent.Joined(saga, task, required(a.getStepIndex(), "stepIndex"), a.getAt());
      case DISPATCH_HELD ->
          new SagaEvent.DispatchHeld(
              saga,
              task,
              required(a.getStepIndex(), "stepIndex"),
              required(a.getAgentType(), "agentType"),
              a.getAt());
      case DISPATCH_RELEASED ->
          new SagaEvent.DispatchReleased(
              saga,
              task,
              required(a.getStepIndex(), "stepIndex"),
              required(a.getAgentType(), "agentType"),
              a.getAt());
      case COMPENSATION_FAILED ->
          new SagaEvent.CompensationFailed(
              saga,
              task,
              required(a.getStepIndex(), "stepIndex"),
              required(a.getAgentType(), "agentType"),
              required(a.getAttempt(), "attempt"),
              required(a.getError(), "error"),
              a.getAt());
      case COMPENSATION_RETRIED ->
          new SagaEvent.CompensationRetried(
              saga,
              task,
              required(a.getStepIndex(), "stepIndex"),
              required(a.getAgentType(), "agentType"),
              required(a.getAttempt(), "attempt"),
              a.getAt());
      case COMPENSATION_PARKED ->
          new SagaEvent.CompensationParked(
              saga,
              task,
              required(a.getStepIndex(), "stepIndex"),
              required(a.getAgentType(), "agentType"),
              required(a.getAttempt(), "attempt"),
              required(a.getError(), "error"),
              a.getAt());
    };
  }

  static io.conclave.schemas.avro.DecisionKey toAvro(DecisionKey k) {
    return new io.conclave.schemas.avro.DecisionKey(k.agentId(), k.sequence());
  }

  static DecisionKey fromAvro(io.conclave.schemas.avro.DecisionKey a) {
    return new DecisionKey(a.getAgentId(), a.getSequence());
  }

  static io.conclave.schemas.avro.DecisionRecorded toAvro(Decision d) {
    return new io.conclave.schemas.avro.DecisionRecorded(
        d.agentId(),
        d.sequence(),
        d.sagaId().orElse(null),
        d.stepIndex().orElse(null),
        d.kind(),
        d.payload(),
        d.at(),
        d.leaderEpoch().orElse(null),
        d.model().orElse(null),
        d.knowledge()
            .map(u -> new io.conclave.schemas.avro.KnowledgeUpdate(u.key(), crdtToAvro(u.delta())))
            .orElse(null));
  }

  static Decision fromAvro(io.conclave.schemas.avro.DecisionRecorded a) {
    Optional<KnowledgeUpdate> update =
        a.getKnowledgeUpdate() != null
            ? Optional.of(
                new KnowledgeUpdate(
                    a.getKnowledgeUpdate().getKey(),
                    crdtFromAvro(a.getKnowledgeUpdate().getDelta())))
            : legacyUpdate(a.getKind(), a.getPayload());
    return new Decision(
        new DecisionKey(a.getAgentId(), a.getSequence()),
        Optional.ofNullable(a.getSagaId()),
        Optional.ofNullable(a.getStepIndex()),
        a.getKind(),
        a.getPayload(),
        a.getAt(),
        Optional.ofNullable(a.getLeaderEpoch()),
        Optional.ofNullable(a.getModel()),
        update);
  }

  /**
   * The update a KNOWLEDGE decision written before schema v3 holds in its payload, as JSON ({@link
   * CrdtJson#decodeUpdate}); empty for any other decision. A payload that is not an update leaves
   * the decision without one rather than unreadable: the log stays readable, and whoever needs the
   * update ({@link io.conclave.model.knowledge.KnowledgeDelta#of}) refuses it, as it always did.
   */
  private static Optional<KnowledgeUpdate> legacyUpdate(String kind, String payload) {
    if (!kind.equals(KnowledgeUpdate.KIND)) {
      return Optional.empty();
    }
    try {
      return Optional.of(CrdtJson.decodeUpdate(payload));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  static io.conclave.schemas.avro.AgentSnapshot toAvro(AgentSnapshot s) {
    return new io.conclave.schemas.avro.AgentSnapshot(
        s.agentId(),
        s.nextSequence(),
        s.decisionsOffset(),
        s.fold(),
        s.state(),
        s.at(),
        // v3 holds the knowledge as Avro; the v2 string stays for its readers, empty
        LEGACY_NO_KNOWLEDGE,
        crdtsToAvro(s.knowledge().byKey()));
  }

  static AgentSnapshot fromAvro(io.conclave.schemas.avro.AgentSnapshot a) {
    return new AgentSnapshot(
        a.getAgentId(),
        a.getNextSequence(),
        a.getDecisionsOffset(),
        a.getFold(),
        a.getState(),
        a.getAt(),
        new ReplicaKnowledge(snapshotKnowledge(a)));
  }

  /**
   * A snapshot's knowledge: its v3 map, or, in a snapshot written before v3 (whose map is empty by
   * default), the JSON of its v2 string.
   */
  private static Map<String, Crdt> snapshotKnowledge(io.conclave.schemas.avro.AgentSnapshot a) {
    if (a.getKnowledgeStates().isEmpty() && !LEGACY_NO_KNOWLEDGE.equals(a.getKnowledge())) {
      return CrdtJson.decodeByKey(a.getKnowledge());
    }
    return crdtsFromAvro(a.getKnowledgeStates());
  }

  /** CRDT states by key as Avro, in key order (Avro writes a map in its iteration order). */
  static Map<String, Object> crdtsToAvro(Map<String, Crdt> byKey) {
    Map<String, Object> out = new TreeMap<>();
    byKey.forEach((key, crdt) -> out.put(key, crdtToAvro(crdt)));
    return out;
  }

  static Map<String, Crdt> crdtsFromAvro(Map<String, Object> byKey) {
    Map<String, Crdt> out = new TreeMap<>();
    byKey.forEach((key, state) -> out.put(key, crdtFromAvro(state)));
    return out;
  }

  static io.conclave.schemas.avro.ShardCheckpoint toAvro(ShardCheckpoint c) {
    return new io.conclave.schemas.avro.ShardCheckpoint(
        c.shard(),
        c.epoch(),
        c.id(),
        c.part(),
        c.parts(),
        c.at(),
        c.sagaEventsOffset(),
        new java.util.HashMap<>(c.tenantSpent()),
        c.live().stream().map(AvroMapping::toAvro).toList(),
        c.ended().stream()
            .map(e -> new io.conclave.schemas.avro.EndedTask(e.taskId(), e.endedAt()))
            .toList());
  }

  static ShardCheckpoint fromAvro(io.conclave.schemas.avro.ShardCheckpoint a) {
    return new ShardCheckpoint(
        a.getShard(),
        a.getEpoch(),
        a.getId(),
        a.getPart(),
        a.getParts(),
        a.getAt(),
        a.getSagaEventsOffset(),
        a.getTenantSpent(),
        a.getLive().stream().map(AvroMapping::fromAvro).toList(),
        a.getEnded().stream()
            .map(e -> new ShardCheckpoint.Ended(e.getTaskId(), e.getEndedAt()))
            .toList());
  }

  static io.conclave.schemas.avro.RedrivenStep toAvro(RedrivenStep r) {
    return new io.conclave.schemas.avro.RedrivenStep(
        r.redriveId(),
        r.sagaId(),
        r.stepIndex(),
        r.agentId(),
        io.conclave.schemas.avro.RedriveOutcome.valueOf(r.outcome().name()),
        r.recordedOutput().orElse(null),
        r.redrivenOutput().orElse(null),
        r.error().orElse(null),
        r.decisions(),
        r.modelCalls(),
        r.promptMismatches(),
        r.skippedEffects(),
        r.at());
  }

  static RedrivenStep fromAvro(io.conclave.schemas.avro.RedrivenStep a) {
    return new RedrivenStep(
        a.getRedriveId(),
        a.getSagaId(),
        a.getStepIndex(),
        a.getAgentId(),
        RedrivenStep.Outcome.valueOf(a.getOutcome().name()),
        Optional.ofNullable(a.getRecordedOutput()),
        Optional.ofNullable(a.getRedrivenOutput()),
        Optional.ofNullable(a.getError()),
        a.getDecisions(),
        a.getModelCalls(),
        a.getPromptMismatches(),
        a.getSkippedEffects(),
        a.getAt());
  }

  static io.conclave.schemas.avro.LeaderElected toAvro(LeaderElected l) {
    return new io.conclave.schemas.avro.LeaderElected(
        l.shard(), l.epoch(), l.memberId(), l.host(), l.at());
  }

  static LeaderElected fromAvro(io.conclave.schemas.avro.LeaderElected a) {
    return new LeaderElected(a.getShard(), a.getEpoch(), a.getMemberId(), a.getHost(), a.getAt());
  }

  static io.conclave.schemas.avro.BreakerStateChanged toAvro(BreakerStateChanged b) {
    return new io.conclave.schemas.avro.BreakerStateChanged(
        b.breaker(),
        b.worker(),
        b.agentTypes(),
        io.conclave.schemas.avro.BreakerState.valueOf(b.from().name()),
        io.conclave.schemas.avro.BreakerState.valueOf(b.to().name()),
        b.at());
  }

  static BreakerStateChanged fromAvro(io.conclave.schemas.avro.BreakerStateChanged a) {
    return new BreakerStateChanged(
        a.getBreaker(),
        a.getWorker(),
        a.getAgentTypes(),
        BreakerStateChanged.State.valueOf(a.getFrom().name()),
        BreakerStateChanged.State.valueOf(a.getTo().name()),
        a.getAt());
  }

  static io.conclave.schemas.avro.DeadLetter toAvro(DeadLetter d) {
    return new io.conclave.schemas.avro.DeadLetter(
        d.sourceTopic(),
        d.sourcePartition(),
        d.sourceOffset(),
        d.errorClass(),
        d.errorMessage(),
        wrap(d.key()),
        wrap(d.value()),
        d.at());
  }

  static DeadLetter fromAvro(io.conclave.schemas.avro.DeadLetter a) {
    return new DeadLetter(
        a.getSourceTopic(),
        a.getSourcePartition(),
        a.getSourceOffset(),
        a.getErrorClass(),
        a.getErrorMessage(),
        unwrap(a.getKey()),
        unwrap(a.getValue()),
        a.getAt());
  }

  static io.conclave.schemas.avro.CrdtDelta toAvro(KnowledgeDelta d) {
    return new io.conclave.schemas.avro.CrdtDelta(
        d.key(), d.replica(), d.sequence(), d.sagaId().orElse(null), d.at(), crdtToAvro(d.delta()));
  }

  static KnowledgeDelta fromAvro(io.conclave.schemas.avro.CrdtDelta a) {
    return new KnowledgeDelta(
        a.getKey(),
        a.getReplica(),
        a.getSequence(),
        Optional.ofNullable(a.getSagaId()),
        a.getAt(),
        crdtFromAvro(a.getDelta()));
  }

  /**
   * A CRDT state as the Avro union every record holds CRDT state in; maps in key order and tags
   * sorted, so equal states are equal bytes.
   */
  static Object crdtToAvro(Crdt crdt) {
    // one type per CRDT class, and a switch without default: a new type does not compile until it
    // is mapped
    return switch (crdt.type()) {
      case G_COUNTER -> new GCounterState(new TreeMap<>(((GCounter) crdt).counts()));
      case PN_COUNTER -> {
        PNCounter p = (PNCounter) crdt;
        yield new PNCounterState(
            new TreeMap<>(p.increments().counts()), new TreeMap<>(p.decrements().counts()));
      }
      case OR_SET -> {
        OrSet s = (OrSet) crdt;
        Map<String, List<io.conclave.schemas.avro.Dot>> entries = new TreeMap<>();
        s.entries().forEach((element, dots) -> entries.put(element, dotsToAvro(dots)));
        yield new OrSetState(
            entries, new TreeMap<>(s.seen().versions()), dotsToAvro(s.seen().cloud()));
      }
      case LWW_REGISTER -> registerToAvro((LwwRegister) crdt);
      case LWW_MAP -> {
        Map<String, LwwRegisterState> entries = new TreeMap<>();
        ((LwwMap) crdt)
            .entries()
            .forEach((key, register) -> entries.put(key, registerToAvro(register)));
        yield new LwwMapState(entries);
      }
    };
  }

  /**
   * The state {@link #crdtToAvro} made.
   *
   * @throws IllegalArgumentException if it is not one of the union's records, or breaks a rule of
   *     its type
   */
  static Crdt crdtFromAvro(Object state) {
    if (state instanceof GCounterState g) {
      return new GCounter(g.getCounts());
    } else if (state instanceof PNCounterState p) {
      return new PNCounter(new GCounter(p.getIncrements()), new GCounter(p.getDecrements()));
    } else if (state instanceof OrSetState s) {
      Map<String, Set<Dot>> entries = new HashMap<>();
      s.getEntries().forEach((element, dots) -> entries.put(element, dotsFromAvro(dots)));
      return new OrSet(
          entries, new CausalContext(s.getSeenVersions(), dotsFromAvro(s.getSeenCloud())));
    } else if (state instanceof LwwRegisterState r) {
      return registerFromAvro(r);
    } else if (state instanceof LwwMapState m) {
      Map<String, LwwRegister> entries = new HashMap<>();
      m.getEntries().forEach((key, register) -> entries.put(key, registerFromAvro(register)));
      return new LwwMap(entries);
    }
    throw new IllegalArgumentException(
        "not a CRDT state: " + (state == null ? "null" : state.getClass().getName()));
  }

  private static List<io.conclave.schemas.avro.Dot> dotsToAvro(Set<Dot> dots) {
    return new TreeSet<>(dots)
        .stream().map(d -> new io.conclave.schemas.avro.Dot(d.replica(), d.counter())).toList();
  }

  private static Set<Dot> dotsFromAvro(List<io.conclave.schemas.avro.Dot> dots) {
    Set<Dot> out = new TreeSet<>();
    dots.forEach(d -> out.add(new Dot(d.getReplica(), d.getCounter())));
    return out;
  }

  private static LwwRegisterState registerToAvro(LwwRegister r) {
    return new LwwRegisterState(
        r.value().orElse(null),
        r.stamp()
            .map(s -> new LwwStamp(s.hlc().millis(), s.hlc().counter(), s.replica()))
            .orElse(null));
  }

  private static LwwRegister registerFromAvro(LwwRegisterState r) {
    return new LwwRegister(
        Optional.ofNullable(r.getValue()),
        Optional.ofNullable(r.getStamp())
            .map(s -> new Stamp(new Hlc(s.getMillis(), s.getCounter()), s.getReplica())));
  }

  /** An index-aligned list of {@code values}' entries, null where a step has none. */
  private static <T> List<T> byIndex(Map<Integer, T> values, int size) {
    if (values.isEmpty()) {
      return List.of();
    }
    List<T> out = new ArrayList<>(Collections.nCopies(size, null));
    values.forEach(out::set);
    return out;
  }

  private static <T> Map<Integer, T> fromIndex(List<T> values) {
    Map<Integer, T> out = new HashMap<>();
    for (int i = 0; i < values.size(); i++) {
      if (values.get(i) != null) {
        out.put(i, values.get(i));
      }
    }
    return out;
  }

  private static ByteBuffer wrap(byte[] bytes) {
    return bytes == null ? null : ByteBuffer.wrap(bytes);
  }

  private static byte[] unwrap(ByteBuffer buffer) {
    if (buffer == null) {
      return null;
    }
    byte[] out = new byte[buffer.remaining()];
    buffer.duplicate().get(out);
    return out;
  }

  private static <T> T required(T value, String field) {
    if (value == null) {
      throw new IllegalArgumentException(field + " is required for this kind of saga event");
    }
    return value;
  }
}
