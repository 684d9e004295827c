/**
 * How Kafka clients connect: the client security settings (TLS, SASL) and the client configurations
 * built from them.
 */
package io.conclave.runtime.security;
