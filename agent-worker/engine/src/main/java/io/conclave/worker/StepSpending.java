package io.conclave.worker;

import io.conclave.agent.LlmClient;
import io.conclave.model.journal.AgentJournal;
import io.conclave.model.saga.Spending;
import io.conclave.models.FailedModelCall;
import io.conclave.models.ModelCall;
import io.conclave.runtime.resilience.BudgetExceededException;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What one run of a step (or a compensation) spends on model calls, over all its attempts, against
 * the tokens the step may spend ({@link io.conclave.model.saga.RoutingSlip#tokenAllowance}). An
 * attempt that throws is discarded with its decisions, but the calls it made were paid for: they
 * are kept here and recorded with the step's outcome, and they count against the allowance.
 * Thread-safe: an attempt that timed out may still be answered on another thread.
 */
final class StepSpending {
  private final String tenant;
  private final OptionalLong allowance;
  private final String what;
  private final AtomicLong tokens = new AtomicLong();
  private final AtomicLong costMicros = new AtomicLong();
  private final List<Answered> answered = new CopyOnWriteArrayList<>();
  private final List<FailedModelCall> failed = new CopyOnWriteArrayList<>();

  /** An answered call, and the draft of the attempt that made it. */
  record Answered(AgentJournal.Draft<?> attempt, ModelCall call) {}

  /**
   * @param allowance the tokens the run may spend; empty: no limit
   * @param what the run, as a refusal names it (e.g. {@code step 2 of saga-t1})
   */
  StepSpending(String tenant, OptionalLong allowance, String what) {
    this.tenant = Objects.requireNonNull(tenant, "tenant");
    this.allowance = Objects.requireNonNull(allowance, "allowance");
    this.what = Objects.requireNonNull(what, "what");
  }

  /** A run of the default tenant without a limit: re-drives, and tests that do not care. */
  static StepSpending unlimited() {
    return new StepSpending(Spending.DEFAULT_TENANT, OptionalLong.empty(), "a step");
  }

  /**
   * Refuses a call whose prompt alone would take the run past its allowance.
   *
   * @param prompt the text of the request, from which its tokens are estimated
   * @return the tokens the answer may take within the allowance; empty without a limit
   * @throws BudgetExceededException if it would
   */
  OptionalLong beforeCall(String prompt) {
    if (allowance.isEmpty()) {
      return OptionalLong.empty();
    }
    long spent = tokens.get();
    long prompted = LlmClient.Usage.estimate(prompt, "").inputTokens();
    if (spent + prompted > allowance.getAsLong()) {
      throw new BudgetExceededException(
          what
              + " may spend "
              + allowance.getAsLong()
              + " tokens of its saga's budget "
              + "(tenant "
              + tenant
              + "); it has spent "
              + spent
              + " and the prompt alone is about "
              + prompted
              + ": no model call made");
    }
    return OptionalLong.of(allowance.getAsLong() - spent - prompted);
  }

  /**
   * Counts an answered call of {@code attempt}.
   *
   * @throws BudgetExceededException if the run has now spent more than its allowance (the call is
   *     counted and recorded all the same)
   */
  void answered(AgentJournal.Draft<?> attempt, ModelCall call) {
    answered.add(new Answered(attempt, call));
    costMicros.addAndGet(call.costMicros());
    long spent = tokens.addAndGet(call.usage().total());
    if (allowance.isPresent() && spent > allowance.getAsLong()) {
      throw new BudgetExceededException(
          what
              + " spent "
              + spent
              + " tokens, more than the "
              + allowance.getAsLong()
              + " it may spend of its saga's budget (tenant "
              + tenant
              + ")");
    }
  }

  void failed(FailedModelCall call) {
    failed.add(call);
  }

  /** The tokens of every answered call. */
  long tokens() {
    return tokens.get();
  }

  /** The cost of every answered call, in micro-units of currency. */
  long costMicros() {
    return costMicros.get();
  }

  /**
   * The answered calls of attempts other than {@code kept}: they were discarded, their calls were
   * not.
   */
  List<ModelCall> answeredOutside(AgentJournal.Draft<?> kept) {
    return answered.stream().filter(a -> a.attempt() != kept).map(Answered::call).toList();
  }

  List<FailedModelCall> failedCalls() {
    return List.copyOf(failed);
  }
}
