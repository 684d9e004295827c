/**
 * A typed way to write an agent: actions with typed inputs and outputs, dispatched by the step's
 * action; compensations dispatched by the step's compensation; typed decisions folded into a state
 * that Jackson encodes; structured answers from the model. {@link
 * io.conclave.agent.typed.TypedAgent} builds an ordinary {@link io.conclave.agent.Agent}, so the
 * worker runs it unchanged.
 */
package io.conclave.agent.typed;
