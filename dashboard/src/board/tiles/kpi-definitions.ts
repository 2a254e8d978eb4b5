import type { KpiName, KpiSummary } from '../../api/metric-types.js';
import type { MessageKey } from '../../i18n/index.js';
import { formatKpiValue, type ValueFormat } from './kpi-format.js';
import type { TileDef } from './definitions.js';

type KpiField = Exclude<keyof KpiSummary, 'window_minutes'>;

interface KpiTileSpec {
  testid: string;
  titleKey: MessageKey;
  field: KpiField;
  format: ValueFormat;
  /** The KPI whose conversations a click lists. */
  drill?: KpiName;
  /** Line under the value, from the whole summary (e.g. "1 of 3 inquiries"); null for none. */
  note?: (k: KpiSummary, fmt: (v: number | null, f: ValueFormat) => string) => { key: MessageKey; params: Record<string, string> } | null;
}

const SPECS: readonly KpiTileSpec[] = [
  { testid: 'tile-inquiries', titleKey: 'kpi.inquiries', field: 'inquiries', format: 'count', drill: 'inquiries' },
  {
    testid: 'tile-inquiry-to-opportunity',
    titleKey: 'kpi.inquiryToOpportunity',
    field: 'inquiry_to_opportunity',
    format: 'ratio',
    drill: 'inquiry_to_opportunity',
    note: (k, fmt) => ({ key: 'kpi.note.ofInquiries', params: { n: fmt(k.opportunities, 'count'), d: fmt(k.inquiries, 'count') } }),
  },
  {
    testid: 'tile-opportunity-to-deal',
    titleKey: 'kpi.opportunityToDeal',
    field: 'opportunity_to_deal',
    format: 'ratio',
    drill: 'opportunity_to_deal',
    note: (k, fmt) => ({ key: 'kpi.note.ofOpportunities', params: { n: fmt(k.deals, 'count'), d: fmt(k.opportunities, 'count') } }),
  },
  { testid: 'tile-deals', titleKey: 'kpi.deals', field: 'deals', format: 'count', drill: 'deals' },
  { testid: 'tile-deal-value', titleKey: 'kpi.dealValue', field: 'deal_value', format: 'currency', drill: 'deals' },
  { testid: 'tile-csat', titleKey: 'kpi.csat', field: 'csat_avg', format: 'score', drill: 'csat' },
  { testid: 'tile-csat-satisfied', titleKey: 'kpi.csatSatisfied', field: 'csat_satisfied_share', format: 'ratio', drill: 'csat' },
  { testid: 'tile-nps', titleKey: 'kpi.nps', field: 'nps', format: 'nps', drill: 'nps' },
  { testid: 'tile-complaint-rate', titleKey: 'kpi.complaintRate', field: 'complaint_rate', format: 'ratio', drill: 'complaint_rate' },
  { testid: 'tile-response-p50', titleKey: 'kpi.responseP50', field: 'response_p50_ms', format: 'ms', drill: 'response_time' },
  { testid: 'tile-response-p90', titleKey: 'kpi.responseP90', field: 'response_p90_ms', format: 'ms', drill: 'response_time' },
  { testid: 'tile-sla', titleKey: 'kpi.slaAttainment', field: 'sla_attainment', format: 'ratio', drill: 'sla_attainment' },
  { testid: 'tile-queue-length', titleKey: 'kpi.queueLength', field: 'queue_length', format: 'gauge', drill: 'queue_wait' },
  { testid: 'tile-agent-load', titleKey: 'kpi.agentLoad', field: 'agent_load', format: 'ratio', drill: 'agent_load' },
  // The FAQ bot (docs/metrics.md "Bot"): no drill-down (kpi_bot reads raw events, not the conversation facts).
  {
    testid: 'tile-bot-resolved',
    titleKey: 'kpi.name.bot_resolved_share',
    field: 'bot_resolved_share',
    format: 'ratio',
    note: (k, fmt) => ({ key: 'board.bot.vsHuman', params: { bot: fmt(k.csat_bot, 'score'), human: fmt(k.csat_human, 'score') } }),
  },
  { testid: 'tile-bot-handoff', titleKey: 'kpi.name.bot_handoff_rate', field: 'bot_handoff_rate', format: 'ratio' },
];

function kpiTile(spec: KpiTileSpec): TileDef {
  return {
    testid: spec.testid,
    titleKey: spec.titleKey,
    shareBar: false,
    drill: spec.drill,
    value: (b) => b.kpis?.[spec.field] ?? null,
    format: (v, ctx) => formatKpiValue(v, spec.format, ctx.locale),
    note(b, ctx) {
      if (!spec.note || !b.kpis) return null;
      const n = spec.note(b.kpis, (v, f) => formatKpiValue(v, f, ctx.locale));
      return n ? ctx.t(n.key, n.params) : null;
    },
  };
}

/** The sales and service KPI tiles (issue 6), fed by the snapshot's `kpis`, in display order. */
export const KPI_TILES: readonly TileDef[] = SPECS.map(kpiTile);
