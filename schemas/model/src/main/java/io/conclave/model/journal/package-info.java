/**
 * An agent's journal: its decision log folded into state and knowledge, the snapshots that shorten a replay, and
 * the folder that picks the snapshot to start from. Above {@link io.conclave.model.eventlog} and {@link
 * io.conclave.model.knowledge}, which it combines.
 */
package io.conclave.model.journal;
