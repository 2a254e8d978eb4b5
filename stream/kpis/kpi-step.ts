import type { EventEnvelope } from '../../shared/envelope.js';
import type { SetEntry, StateStore } from '../../shared/ports/state-store.js';
import type { Warehouse } from '../../shared/ports/warehouse.js';
import type { ConversationFactsRow, DealFactsRow, ResponseTimeRow } from '../../shared/tables.js';
import type { OffsetEvent } from '../metrics/first-metrics.js';
import { settleAll } from '../settle-all.js';
import type { StateRebuilder } from '../state-recovery.js';
import { applyConversationKpi, conversationRows, emptyConversationKpis, type ConversationKpiState } from './conversation-kpis.js';
import { dealRows, foldCustomerKpi, type CustomerKpiState } from './deal-cycle.js';
import { eventDims } from './dims.js';
import { lateRecords, minuteContributions, type LatenessOptions } from './kpi-contributions.js';

/** The partition's newest event time: only for recording lateness, so losing it costs no count. */
export const kpiWatermarkKey = (partition: number) => `kpi:wm:${partition}`;
export const kpiConversationKey = (id: string) => `kpi:conv:${id}`;
export const kpiCustomerKey = (key: string) => `kpi:cust:${key}`;

export interface KpiStepOptions extends LatenessOptions {
  state: StateStore;
  /** How long conversation and customer KPI state is kept after its last event, ms. */
  ttlMs: number;
}

export interface KpiBatch {
  write(warehouse: Warehouse): Promise<void>;
  entries: SetEntry[];
  /** Events recorded in late_events (they count all the same). */
  lateEvents: number;
}

/** One partition's batch as the worker hands it over. */
export interface KpiBatchInput {
  partition: number;
  /** The batch's first offset: the key of its minute contributions. */
  batchOffset: number;
  /** Events counted for the first time: folded into every KPI. */
  fresh: OffsetEvent[];
  /**
   * Every event the batch counts in its minute contributions, in offset order: the fresh ones and those counted
   * again because an earlier attempt at the same offsets was discarded (the state already holds their folds).
   */
  counted: readonly EventEnvelope[];
  /**
   * Present while the worker recovers from a lost StateStore: conversation and customer states it misses are rebuilt
   * from the warehouse, and so are those of `refold`: replayed events the warehouse (not the store) knew, whose
   * fold may never have reached the store (the events are written before the state).
   */
  rebuild?: { loader: StateRebuilder; refold: OffsetEvent[] };
}

/**
 * The KPI step the EventWorker runs on each batch (beside first metrics and
 * sessions). Minute counters are additive contributions of the batch (any
 * event age, no window state); conversation and customer facts are folded
 * from the states the batch touches. Hands back warehouse rows and state
 * entries for the worker's one atomic write. Deterministic in the loaded
 * state and the events, so a replayed batch writes the same rows.
 */
export class KpiStep {
  constructor(private readonly o: KpiStepOptions) {}

  /** The StateStore keys `fold` reads for these events of `partition` (the worker reads them with its own, in one call). */
  keysFor(partition: number, events: readonly OffsetEvent[]): string[] {
    const { convIds, customers } = touchedBy(events);
    return [kpiWatermarkKey(partition), ...convIds.map(kpiConversationKey), ...customers.map(kpiCustomerKey)];
  }

  /** `reader`: where the states are read from (default the store; the worker passes its one up-front read). */
  async fold(input: KpiBatchInput, now: number, reader: Pick<StateStore, 'getMany'> = this.o.state): Promise<KpiBatch> {
    const { partition, fresh: events } = input;
    const refold = input.rebuild?.refold ?? [];
    const { convIds, customers } = touchedBy([...events, ...refold]);
    const vals = await reader.getMany([kpiWatermarkKey(partition), ...convIds.map(kpiConversationKey), ...customers.map(kpiCustomerKey)]);
    const storedMax = vals[0] === null ? null : Number(vals[0]);
    const convs = new Map<string, ConversationKpiState>();
    convIds.forEach((id, i) => vals[1 + i] && convs.set(id, JSON.parse(vals[1 + i]!) as ConversationKpiState));
    const custs = new Map<string, CustomerKpiState>();
    customers.forEach((k, i) => {
      const v = vals[1 + convIds.length + i];
      if (v) custs.set(k, JSON.parse(v) as CustomerKpiState);
    });
    const convVersion = new Map<string, number>();
    const dealCustomers = new Map<string, number>();
    // Most events leave their customer's first touch and deals as they were: only changed states are written.
    const changedCustomers = new Set<string>();
    if (input.rebuild) {
      // What the store holds for these may lack the refolded events: the warehouse has them all.
      for (const { offset, event: e } of refold) {
        if (e.conversation_id) {
          convs.delete(e.conversation_id);
          convVersion.set(e.conversation_id, Math.max(offset, convVersion.get(e.conversation_id) ?? -1));
        }
        custs.delete(e.customer_key);
        changedCustomers.add(e.customer_key);
      }
      await rebuildMissing(input.rebuild.loader, convIds, convs, customers, custs);
      for (const { offset, event: e } of refold)
        if ((custs.get(e.customer_key)?.deals.length ?? 0) > 0) dealCustomers.set(e.customer_key, Math.max(offset, dealCustomers.get(e.customer_key) ?? -1));
    }
    for (const { offset, event: e } of events) {
      if (e.conversation_id) {
        let s = convs.get(e.conversation_id);
        if (!s) convs.set(e.conversation_id, (s = emptyConversationKpis(e.customer_key)));
        applyConversationKpi(s, e);
        convVersion.set(e.conversation_id, offset);
      }
      const dims = eventDims(e);
      const before = custs.get(e.customer_key);
      const after = foldCustomerKpi(before, e, dims);
      if (after.deals !== before?.deals || after.first_touch !== before.first_touch) {
        custs.set(e.customer_key, after);
        changedCustomers.add(e.customer_key);
        if (after.deals.length > 0) dealCustomers.set(e.customer_key, offset);
      }
    }
    // Minute counters use only what each event states: a fallback to what its conversation revealed so far would
    // depend on arrival order, and the minutes must equal a batch recount over the events table.
    const minutes = minuteContributions(partition, input.batchOffset, input.counted, now);
    const lateness = lateRecords(
      partition,
      storedMax !== null && Number.isFinite(storedMax) ? storedMax : null,
      events.map((d) => d.event),
      this.o,
      now,
    );

    const facts: ConversationFactsRow[] = [];
    const responses: ResponseTimeRow[] = [];
    for (const [id, version] of convVersion) {
      const s = convs.get(id)!;
      const out = conversationRows(id, s, version);
      if (out.facts) facts.push(out.facts);
      responses.push(...out.responses);
      convs.set(id, { ...s, written: out.written });
    }
    const deals: DealFactsRow[] = [...dealCustomers].flatMap(([k, version]) => dealRows(k, custs.get(k)!, version));

    const ttlMs = this.o.ttlMs;
    const entries: SetEntry[] = [
      ...(lateness.maxEventTime !== null && lateness.maxEventTime !== storedMax
        ? [{ key: kpiWatermarkKey(partition), value: String(lateness.maxEventTime) }]
        : []),
      ...[...convVersion.keys()].map((id) => ({ key: kpiConversationKey(id), value: JSON.stringify(convs.get(id)), ttlMs })),
      ...[...changedCustomers].map((k) => ({ key: kpiCustomerKey(k), value: JSON.stringify(custs.get(k)), ttlMs })),
    ];
    return {
      entries,
      lateEvents: lateness.late.length,
      write: async (wh) => {
        await settleAll([
          wh.append('kpi_minute_contrib', minutes),
          wh.append('late_events', lateness.late),
          wh.append('conversation_facts', facts),
          wh.append('response_times', responses),
          wh.append('deal_facts', deals),
        ]);
      },
    };
  }
}

/** The conversations and customers whose KPI states the events touch. */
function touchedBy(events: readonly OffsetEvent[]): { convIds: string[]; customers: string[] } {
  return {
    convIds: [...new Set(events.map((d) => d.event.conversation_id).filter((c): c is string => c !== null))],
    customers: [...new Set(events.map((d) => d.event.customer_key))],
  };
}

/**
 * After a StateStore loss: folds the stored events of every conversation and customer of the batch whose state is
 * missing, so their facts continue from everything counted before instead of restarting from this batch. The
 * batch's own fresh events are not in the warehouse yet and are folded by the caller; replayed ones are, and are
 * folded here (the caller skips them), so each event is folded once.
 */
async function rebuildMissing(
  rebuild: StateRebuilder,
  convIds: string[],
  convs: Map<string, ConversationKpiState>,
  customers: string[],
  custs: Map<string, CustomerKpiState>,
): Promise<void> {
  const missingConvs = convIds.filter((id) => !convs.has(id));
  const missingCusts = customers.filter((k) => !custs.has(k));
  const [convEvents, custEvents] = await Promise.all([rebuild.conversationEvents(missingConvs), rebuild.customerEvents(missingCusts)]);
  for (const e of convEvents) {
    const id = e.conversation_id!;
    let s = convs.get(id);
    if (!s) convs.set(id, (s = emptyConversationKpis(e.customer_key)));
    applyConversationKpi(s, e);
  }
  for (const e of custEvents) custs.set(e.customer_key, foldCustomerKpi(custs.get(e.customer_key), e, eventDims(e)));
  rebuild.rebuilt(new Set(convEvents.map((e) => e.conversation_id)).size, new Set(custEvents.map((e) => e.customer_key)).size);
}
