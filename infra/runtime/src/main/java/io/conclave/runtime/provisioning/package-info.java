/**
 * What an installation creates on the cluster: its topics (with their configurations) and its ACLs.
 */
package io.conclave.runtime.provisioning;
