/**
 * Resilience of calls to a downstream (a model endpoint): the call policies, the Failsafe pipeline
 * that applies them, and how a call fails.
 */
package io.conclave.runtime.resilience;
