package io.conclave.projections.ledger;

import io.conclave.model.eventlog.Decision;
import io.conclave.model.eventlog.DecisionKey;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Counts each agent's model calls into its {@link AgentLedger} ({@link AgentLedger#count}) in the
 * {@value LedgerStores#LEDGER_AGENTS} store, keyed by agent id. Decisions are partitioned by agent
 * id, so the fold runs where they are read: no repartition.
 */
public final class AgentLedgerFold implements Processor<DecisionKey, Decision, Void, Void> {
  private KeyValueStore<String, AgentLedger> ledgers;

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    ledgers = context.getStateStore(LedgerStores.LEDGER_AGENTS);
  }

  @Override
  public void process(Record<DecisionKey, Decision> record) {
    Decision decision = record.value();
    // only calls touch the store: the other decisions cost the changelog nothing
    if (decision == null || !AgentLedger.CALL_KIND.equals(decision.kind())) {
      return;
    }
    AgentLedger before = ledgers.get(decision.agentId());
    AgentLedger after = AgentLedger.count(before, decision);
    if (after != before) {
      ledgers.put(decision.agentId(), after);
    }
  }
}
