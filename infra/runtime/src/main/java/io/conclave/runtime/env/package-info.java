/**
 * How a setting is named and read: its configuration key (a system property), else its environment
 * variable, else its default. Below the settings and the client security, which both read through
 * it.
 */
package io.conclave.runtime.env;
