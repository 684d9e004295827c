/**
 * Sagas: a task's plan of steps (definitions, routing slips, step policies, spending), the events a
 * shard leader records, the state they fold into, and the pure decider and supervisor that turn
 * state and outcomes into the next step commands and compensations. The leader's stamp and the
 * shard checkpoint live here because saga state carries them.
 */
package io.conclave.model.saga;
