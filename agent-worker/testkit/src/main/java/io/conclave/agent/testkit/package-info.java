/**
 * An agent's unit tests without Kafka: {@link io.conclave.agent.testkit.AgentTestKit} runs any
 * {@link io.conclave.agent.Agent}'s steps and compensations in memory, with a {@link
 * io.conclave.agent.testkit.ScriptedModel} for the model, and checks the fold after every run.
 */
package io.conclave.agent.testkit;
