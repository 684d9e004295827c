/**
 * The transactional consume-process-produce loop every Conclave service runs, and what only it
 * uses: the co-partitioned assignor, dead-lettering of poison records, and the health it reports.
 */
package io.conclave.runtime.loop;
