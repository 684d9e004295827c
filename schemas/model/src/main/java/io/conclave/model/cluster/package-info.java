/**
 * What the processes of a cluster tell each other besides sagas: submitted tasks, leadership
 * announcements, agent circuit-breaker changes and the board that folds them, dead letters and
 * re-driven steps.
 */
package io.conclave.model.cluster;
