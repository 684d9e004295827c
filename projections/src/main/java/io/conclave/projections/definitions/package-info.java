/**
 * Saga definitions registered by name ({@code /saga-definitions}), which a task can name instead of
 * carrying a plan.
 */
package io.conclave.projections.definitions;
