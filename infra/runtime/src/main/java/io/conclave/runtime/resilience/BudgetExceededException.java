package io.conclave.runtime.resilience;

/**
 * A call was not made because it would spend past a budget (a saga's tokens): not retried; the step
 * fails and its saga compensates.
 */
public final class BudgetExceededException extends RuntimeException implements CallFailure {
  public BudgetExceededException(String message) {
    super(message);
  }

  @Override
  public boolean retryable() {
    return false;
  }
}
