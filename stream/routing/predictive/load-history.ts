import type { Warehouse } from '../../../shared/ports/warehouse.js';
import type { AgentRecordRow, RoutingEventRow } from './history.js';

/** The raw history routing learns from: events of conversations and deals, and per-agent counts. */
export interface RoutingHistory {
  events: RoutingEventRow[];
  agents: AgentRecordRow[];
}

/**
 * Reads events with occurred_at in [fromMs, toMs) through the named queries
 * `routing_conversation_events` and `routing_agent_records` (ClickHouse and
 * DuckDB variants in sql/queries).
 */
export async function loadRoutingHistory(warehouse: Warehouse, fromMs: number, toMs: number): Promise<RoutingHistory> {
  const events = await warehouse.query<RoutingEventRow>('routing_conversation_events', { from_ms: fromMs, to_ms: toMs });
  const agents = await warehouse.query<AgentRecordRow>('routing_agent_records', { from_ms: fromMs, to_ms: toMs });
  return { events, agents };
}
