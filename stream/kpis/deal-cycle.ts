import type { EventEnvelope } from '../../shared/envelope.js';
import { eventRef } from './dims.js';
import type { DealFactsRow, KpiDims } from '../../shared/tables.js';

/**
 * Deal cycle per customer: first touch (the customer's earliest event of any
 * type) to each deal won. The first touch is a minimum, so an earlier touch
 * arriving late re-emits the customer's deals with the longer cycle.
 */
export interface CustomerKpiState {
  first_touch: number;
  /** Deals won: [uid, won_at, value, conversation_id, dims], at most MAX_DEALS (the earliest). */
  deals: Array<[string, number, number, string | null, KpiDims]>;
}

export const MAX_DEALS = 50;

export function foldCustomerKpi(prev: CustomerKpiState | undefined, e: EventEnvelope, dims: KpiDims): CustomerKpiState {
  if (prev && e.type !== 'deal.won' && e.occurred_at >= prev.first_touch) return prev;
  const s: CustomerKpiState = prev ? { first_touch: Math.min(prev.first_touch, e.occurred_at), deals: prev.deals } : { first_touch: e.occurred_at, deals: [] };
  if (e.type === 'deal.won') {
    const uid = eventRef(e);
    if (!s.deals.some((d) => d[0] === uid)) {
      const value = typeof e.properties.value === 'number' ? e.properties.value : 0;
      s.deals = [...s.deals, [uid, e.occurred_at, value, e.conversation_id, dims] as [string, number, number, string | null, KpiDims]]
        .sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1))
        .slice(0, MAX_DEALS);
    }
  }
  return s;
}

/** Rows for every deal of the customer, versioned by `version`. */
export function dealRows(customerKey: string, s: CustomerKpiState, version: number): DealFactsRow[] {
  return s.deals.map(([uid, at, value, conv, dims]) => ({
    deal_id: uid,
    customer_key: customerKey,
    conversation_id: conv,
    won_at: at,
    value,
    first_touch_at: s.first_touch,
    cycle_ms: at - s.first_touch,
    ...dims,
    version,
  }));
}
