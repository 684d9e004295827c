/**
 * Reading Conclave's topics outside the loop: scans, a follower that reads a whole topic and then
 * as it grows, replays from a log position, and agents' event logs read back into state.
 */
package io.conclave.runtime.readers;
