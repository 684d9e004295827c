/**
 * Operators' actions on a running installation: resetting a consumer group or a Streams application
 * to a log position, and re-driving dead letters.
 */
package io.conclave.runtime.admin;
