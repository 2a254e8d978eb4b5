import type { FiringAlert, KpiSummary } from './metric-types.js';

const KPI_FIELDS = [
  'inquiries',
  'opportunities',
  'deals',
  'deal_value',
  'inquiry_to_opportunity',
  'opportunity_to_deal',
  'csat_avg',
  'csat_satisfied_share',
  'nps',
  'complaint_rate',
  'response_p50_ms',
  'response_p90_ms',
  'sla_attainment',
  'queue_length',
  'agent_load',
  'bot_resolved_share',
  'bot_handoff_rate',
  'csat_bot',
  'csat_human',
] as const satisfies ReadonlyArray<keyof KpiSummary>;

// ClickHouse sends 64-bit integers as strings; accept numeric strings, anything else is "no data".
function numOrNull(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return null;
}

/** The snapshot's `kpis`, with every field a number or null; null when the server sent none (older API). */
export function asKpiSummary(value: unknown, windowMinutes: number): KpiSummary | null {
  if (!value || typeof value !== 'object') return null;
  const v = value as Record<string, unknown>;
  const out = { window_minutes: numOrNull(v.window_minutes) ?? windowMinutes } as KpiSummary;
  for (const f of KPI_FIELDS) out[f] = numOrNull(v[f]);
  return out;
}

/** The snapshot's firing alerts; malformed entries are dropped rather than breaking the banner. */
export function asFiringAlerts(value: unknown): FiringAlert[] {
  if (!Array.isArray(value)) return [];
  const out: FiringAlert[] = [];
  for (const a of value) {
    if (!a || typeof a !== 'object') continue;
    const r = a as Record<string, unknown>;
    if (typeof r.rule_id !== 'string') continue;
    out.push({
      rule_id: r.rule_id,
      kpi: typeof r.kpi === 'string' ? r.kpi : '',
      stat: typeof r.stat === 'string' ? r.stat : 'value',
      op: typeof r.op === 'string' ? r.op : '>',
      threshold: numOrNull(r.threshold) ?? 0,
      value: numOrNull(r.value),
      since: typeof r.since === 'string' ? r.since : '',
      message_en: typeof r.message_en === 'string' ? r.message_en : '',
      message_zh: typeof r.message_zh === 'string' ? r.message_zh : '',
    });
  }
  return out;
}
