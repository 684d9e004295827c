/**
 * Agents in any language: a {@link io.conclave.worker.remote.RemoteAgent} runs each step or
 * compensation of an agent type by one HTTP request to a remote agent ({@code
 * docs/api/remote-agent.yaml}), while the worker keeps everything durable (the transaction, the
 * idempotency key, deadlines, breakers, the recording). The remote agent's own model calls go to
 * the per-step OpenAI-compatible endpoint the worker serves ({@link
 * io.conclave.worker.remote.ModelEndpoint}), through the step's recorded, budgeted model client.
 * {@link io.conclave.worker.remote.RemoteAgents} supplies them from the worker's settings.
 */
package io.conclave.worker.remote;
