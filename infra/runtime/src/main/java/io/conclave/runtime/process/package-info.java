/**
 * Process support: keeping a service's process alive until it is told to stop, the HTTP probe
 * server that reports a loop's health, and how a process names itself to operators.
 */
package io.conclave.runtime.process;
