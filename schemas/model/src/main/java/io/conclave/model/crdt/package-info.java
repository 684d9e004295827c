/**
 * Conflict-free replicated data types for the agents' shared knowledge: plain Java values, no
 * Kafka.
 *
 * <p>Every type is a <em>delta-state</em> CRDT (Almeida, Shoker, Baquero, "Delta State Replicated
 * Data Types", 2018): a mutator is called on the replica's current state and returns a
 * <em>delta</em>, a small value of the same type; the replica's new state is {@code
 * state.merge(delta)}, and every other replica (or the Kafka Streams store holding the key) applies
 * the same delta with the same {@link io.conclave.model.crdt.Crdt#merge merge}. Because {@code
 * merge} is a least upper bound (commutative, associative, idempotent), deltas may be delivered
 * late, out of order or more than once and every replica that has merged the same deltas holds the
 * same state.
 *
 * <p>A replica id names the writer of an update: an agent id such as {@code research-0}, stable
 * across restarts. State grows with the number of replica ids, so they must not be made up per
 * process. Replicas must also apply their own deltas to their view: the OR-Set numbers its tags
 * from the view, and a last-writer-wins write is checked against it.
 *
 * <p>The types themselves know nothing of bytes: the wire format (conclave-avro) maps them to Avro
 * on Kafka, and to JSON for the HTTP API.
 */
package io.conclave.model.crdt;
