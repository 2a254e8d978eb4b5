import type { Warehouse } from '../../shared/ports/warehouse.js';
import { agentDealCycleInsight, type AgentResult } from './agent-deal-cycle.js';
import { channelConversionInsight, DEFAULT_INSIGHT_OPTIONS, type ChannelResult } from './channel-conversion.js';

type Row = Record<string, unknown>;

export interface Insights {
  from_ms: number;
  to_ms: number;
  alpha: number;
  step: 'opportunity' | 'deal';
  channels: ChannelResult[];
  agents: AgentResult[];
}

/**
 * Reads the funnel per channel (sql/queries/funnel.sql) and the won deals' cycles
 * (insight_deal_cycles.sql) and runs both insights over [fromMs, toMs).
 */
export async function loadInsights(
  warehouse: Warehouse,
  o: { fromMs: number; toMs: number; step: 'opportunity' | 'deal'; alpha?: number; windowMs?: number },
): Promise<Insights> {
  const alpha = o.alpha ?? DEFAULT_INSIGHT_OPTIONS.alpha;
  const funnel = await warehouse.query<Row>('funnel', { from_ms: o.fromMs, to_ms: o.toMs, window_ms: o.windowMs ?? 7 * 86_400_000, by: 'channel' });
  const counts = funnel.map((r) => ({
    channel: typeof r.key === 'string' ? r.key : '',
    inquiries: Number(r.inquiries),
    converted: Number(o.step === 'deal' ? r.deals : r.opportunities),
  }));
  const deals = await warehouse.query<Row>('insight_deal_cycles', { from_ms: o.fromMs, to_ms: o.toMs });
  const cycles = deals.map((r) => ({
    deal_id: String(r.deal_id),
    agent: String(r.agent),
    cycle_ms: Number(r.cycle_ms),
    conversation_id: typeof r.conversation_id === 'string' ? r.conversation_id : '',
  }));
  return {
    from_ms: o.fromMs,
    to_ms: o.toMs,
    alpha,
    step: o.step,
    channels: channelConversionInsight(counts, { ...DEFAULT_INSIGHT_OPTIONS, alpha }),
    agents: agentDealCycleInsight(cycles, alpha),
  };
}
