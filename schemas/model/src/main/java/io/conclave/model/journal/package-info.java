/**
 * An agent's journal: its decision log folded into state and knowledge, the snapshots a replay can
 * start from, and the pure folder that a reader feeds the agent's records to. Above {@link
 * io.conclave.model.eventlog} and {@link io.conclave.model.knowledge}, which it combines.
 */
package io.conclave.model.journal;
