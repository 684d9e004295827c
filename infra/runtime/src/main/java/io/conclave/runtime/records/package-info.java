/**
 * The records Conclave writes (topic, key, partition and value of each) and their rendering as JSON
 * for tools.
 */
package io.conclave.runtime.records;
