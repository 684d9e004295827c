/**
 * What makes a Conclave service a Micronaut application: its configuration ({@link
 * io.conclave.runtime.service.ConclaveProperties} and the beans built from it, shared by the
 * coordinator, the worker and the projections), and for the coordinator and the worker the
 * application itself ({@link io.conclave.runtime.service.ConclaveApplication}), its health
 * indicator and its measured Kafka clients. The only package of the runtime that knows Micronaut.
 */
package io.conclave.runtime.service;
