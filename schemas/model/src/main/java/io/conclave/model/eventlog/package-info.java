/**
 * Agents' event logs: the decisions an agent records (keyed by agent id and sequence), the log
 * interface, and the state folds that turn a log into an agent's state (found on the class path
 * through {@link io.conclave.model.eventlog.StateFoldProvider}).
 */
package io.conclave.model.eventlog;
