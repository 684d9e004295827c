package io.conclave.agent;

/**
 * The kinds of the decisions Conclave reads in an agent's log. An agent appends {@link #RESULT} for
 * what a step produced (the offline agent's fold counts them) and {@link #COMPENSATION} for what it
 * undid; the worker appends the failures.
 */
public final class DecisionKinds {
  /** The decision kind of a step's result. */
  public static final String RESULT = "STEP_RESULT";

  /** The decision kind recorded when a step failed. */
  public static final String FAILURE = "STEP_FAILED";

  /** The decision kind of an undone step. */
  public static final String COMPENSATION = "COMPENSATED";

  /** The decision kind recorded when an attempt to undo a step failed. */
  public static final String COMPENSATION_FAILURE = "COMPENSATION_FAILED";

  /** The decision kind of a recorded model call. */
  public static final String MODEL_CALL = "LLM_CALL";

  private DecisionKinds() {}
}
