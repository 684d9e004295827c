/**
 * Process support: keeping a service's process alive until it is told to stop (and no longer than
 * the launcher that started it), and how a process names itself to operators.
 */
package io.conclave.runtime.process;
