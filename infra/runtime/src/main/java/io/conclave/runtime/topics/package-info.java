/**
 * The names of Conclave's topics, the declaration of one topic, and the partition choice for topics
 * whose key is finer than their ordering unit.
 */
package io.conclave.runtime.topics;
