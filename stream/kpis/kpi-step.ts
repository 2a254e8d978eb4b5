import type { EventEnvelope } from '../../shared/envelope.js';
import type { SetEntry, StateStore } from '../../shared/ports/state-store.js';
import type { Warehouse } from '../../shared/ports/warehouse.js';
import type { ConversationFactsRow, DealFactsRow, ResponseTimeRow } from '../../warehouse/kpi-rows.js';
import type { OffsetEvent } from '../metrics/first-metrics.js';
import { applyConversationKpi, conversationRows, emptyConversationKpis, type ConversationKpiState } from './conversation-kpis.js';
import { contribution } from './counters.js';
import { dealRows, foldCustomerKpi, type CustomerKpiState } from './deal-cycle.js';
import { dimsKey, eventDims } from './dims.js';
import { decodeWindows, encodeWindows, kpiWindowConfig, windowBatch, type KpiWindowOptions } from './kpi-windows.js';

export const kpiWindowsKey = (partition: number) => `kpi:win:${partition}`;
export const kpiConversationKey = (id: string) => `kpi:conv:${id}`;
export const kpiCustomerKey = (key: string) => `kpi:cust:${key}`;

export interface KpiStepOptions extends KpiWindowOptions {
  state: StateStore;
  /** How long conversation and customer KPI state is kept after its last event, ms. */
  ttlMs: number;
}

export interface KpiBatch {
  write(warehouse: Warehouse): Promise<void>;
  entries: SetEntry[];
  lateEvents: number;
}

const rows = (r: object[]) => r as unknown as Array<Record<string, unknown>>;

/**
 * The KPI step the EventWorker runs on each batch (beside first metrics and
 * sessions): loads the partition's minute windows and the conversation and
 * customer states the batch touches, folds, and hands back warehouse rows and
 * state entries for the worker's one atomic write. Deterministic in the
 * loaded state and the events, so a replayed batch writes the same rows.
 */
export class KpiStep {
  private readonly cfg;
  constructor(private readonly o: KpiStepOptions) {
    this.cfg = kpiWindowConfig(o);
  }

  async fold(partition: number, events: OffsetEvent[], now: number): Promise<KpiBatch> {
    const convIds = [...new Set(events.map((d) => d.event.conversation_id).filter((c): c is string => c !== null))];
    const customers = [...new Set(events.map((d) => d.event.customer_key))];
    const vals = await this.o.state.getMany([kpiWindowsKey(partition), ...convIds.map(kpiConversationKey), ...customers.map(kpiCustomerKey)]);
    const windows = decodeWindows(vals[0]);
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
    const inputs: Array<{ event: EventEnvelope; key: string; value: ReturnType<typeof contribution> }> = [];
    for (const { offset, event: e } of events) {
      if (e.conversation_id) {
        let s = convs.get(e.conversation_id);
        if (!s) convs.set(e.conversation_id, (s = emptyConversationKpis(e.customer_key)));
        applyConversationKpi(s, e);
        convVersion.set(e.conversation_id, offset);
      }
      // Minute counters use only what the event states: a fallback to what its conversation revealed so far
      // would depend on arrival order, and the minutes must equal a batch recount over the events table.
      const dims = eventDims(e);
      const before = custs.get(e.customer_key);
      const after = foldCustomerKpi(before, e, dims);
      if (after.deals !== before?.deals || after.first_touch !== before.first_touch) {
        custs.set(e.customer_key, after);
        changedCustomers.add(e.customer_key);
        if (after.deals.length > 0) dealCustomers.set(e.customer_key, offset);
      }
      inputs.push({ event: e, key: dimsKey(dims), value: contribution(e) });
    }
    const win = windowBatch(this.cfg, partition, windows, inputs, now);

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
      // No expiry: an expired window state would restart versions at 1 and lose to older rows.
      { key: kpiWindowsKey(partition), value: encodeWindows(win.state) },
      ...[...convVersion.keys()].map((id) => ({ key: kpiConversationKey(id), value: JSON.stringify(convs.get(id)), ttlMs })),
      ...[...changedCustomers].map((k) => ({ key: kpiCustomerKey(k), value: JSON.stringify(custs.get(k)), ttlMs })),
    ];
    return {
      entries,
      lateEvents: win.late.length,
      write: async (wh) => {
        await Promise.all([
          wh.append('kpi_minute', rows(win.rows)),
          wh.append('late_events', rows(win.late)),
          wh.append('conversation_facts', rows(facts)),
          wh.append('response_times', rows(responses)),
          wh.append('deal_facts', rows(deals)),
        ]);
      },
    };
  }
}
