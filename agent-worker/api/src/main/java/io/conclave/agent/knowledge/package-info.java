/**
 * The {@link io.conclave.agent.Knowledge} of a step, on the draft of the agent's log: shared by the
 * worker that runs agents and the test kit that runs them in memory.
 */
package io.conclave.agent.knowledge;
