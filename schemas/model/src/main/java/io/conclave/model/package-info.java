/**
 * Conclave's domain in plain Java, with no Kafka, Avro or Micronaut: immutable records and pure
 * deciders, each concept in its sub-package. This package holds only the argument checks and the
 * checked map the records share.
 */
package io.conclave.model;
