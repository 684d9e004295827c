/**
 * Shared knowledge: the deltas agents' decisions carry, one replica's merged view of them, and the
 * merged state per key, all over the CRDTs of {@link io.conclave.model.crdt}.
 */
package io.conclave.model.knowledge;
