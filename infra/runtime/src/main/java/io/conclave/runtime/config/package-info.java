/**
 * The settings of a Conclave process: where the cluster and the registry are, how topics are named
 * and partitioned, group timings and saga retention, read from system properties and the
 * environment.
 */
package io.conclave.runtime.config;
