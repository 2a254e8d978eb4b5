/** The parameter sets the warehouse contract runs each named query with, over a warehouse fixture. */
import type { QueryParams } from '../../shared/ports/warehouse.js';
import { parsePlaceholders } from '../../warehouse/sql-params.js';
import type { WarehouseFixture } from './warehouse-fixture.js';

/** Parameter sets each named query is run with (windows, buckets, optional filters). */
export function paramSets(f: WarehouseFixture): Record<string, QueryParams[]> {
  const w = [
    { from_ms: f.t0 - 3_600_000, to_ms: f.t0 + 7_200_000 },
    { from_ms: f.t0 + 600_000, to_ms: f.t0 + 1_800_000 },
    { from_ms: f.t0 + 9_000_000, to_ms: f.t0 + 9_600_000 },
  ];
  return {
    events_count: [{ producer: null }, { producer: 'p1' }, { producer: "p'3" }, { producer: 'nobody' }],
    events_counted_at: [
      { producers: [...new Set(f.events.slice(0, 40).map((e) => e.producer))], ids: f.events.slice(0, 40).map((e) => e.id) },
      { producers: ['nobody'], ids: [f.events[0].id] },
    ],
    events_of_conversations: [
      { keys: [...new Set(f.events.map((e) => e.conversation_id).filter((c): c is string => c !== null))].slice(0, 5) },
      { keys: ['no-such-conversation'] },
    ],
    events_of_customers: [{ keys: [...new Set(f.events.map((e) => e.customer_key))].slice(0, 3) }, { keys: ["o'brien"] }],
    metric_channel_counts: w.flatMap((x) => [
      { ...x, bucket_s: 60, channel: null },
      { ...x, bucket_s: 300, channel: null },
      { ...x, bucket_s: 900, channel: 'sms' },
    ]),
    board_first_response: w,
    followup_summary: w,
    dead_letters_recent: [{ limit: 5 }, { limit: 100 }],
    journey_events: [
      { from_ms: f.t0 - 3_600_000, to_ms: f.t0 + 7_200_000, types: ['message.received', 'deal.won'] },
      { from_ms: f.t0, to_ms: f.t0 + 600_000, types: ['conversation.started'] },
      { from_ms: f.t0, to_ms: f.t0 + 600_000, types: [] },
    ],
    attribution_conversion_watermark: [
      { from_ms: f.t0 - 3_600_000, types: ['deal.won'] },
      { from_ms: f.t0 + 3_600_000, types: ['deal.won', 'message.sent'] },
      { from_ms: f.t0 + 9_000_000, types: ['deal.won'] },
    ],
    attribution_latest: [
      { from_ms: null, to_ms: null },
      { from_ms: f.t0 - 86_400_000, to_ms: f.t0 + 3_600_000 },
      { from_ms: f.t0 - 1, to_ms: null },
      { from_ms: f.t0 + 1, to_ms: f.t0 + 2 },
    ],
    attribution_transitions_latest: [
      { from_ms: null, to_ms: null },
      { from_ms: null, to_ms: f.t0 },
      { from_ms: f.t0 + 1, to_ms: null },
    ],
    customer_timeline: [
      { keys: ['cust-1', 'cust-2'], limit: 10, offset: 0 },
      { keys: ['cust-1', 'cust-2'], limit: 10, offset: 5 },
      { keys: ['cust-3'], limit: 1000, offset: 0 },
      { keys: [], limit: 5, offset: 0 },
    ],
    customer_tags: [{ keys: ['cust-1', 'cust-2', 'cust-3', 'cust-4'] }, { keys: [] }],
    conversations_by_status: [
      { status: 'open', active_since_ms: f.t0, limit: 100 },
      { status: 'closed', active_since_ms: f.t0 + 600_000, limit: 100 },
      { status: 'all', active_since_ms: 0, limit: 7 },
    ],
    identity_merges_for: [{ ids: ['cust-1', 'cust-7'] }, { ids: [] }],
    customer_sessions: [{ ids: ['cust-1', 'cust-2', 'cust-11'] }, { ids: [] }],
    customer_conversation_facts: [{ keys: ['cust-1', 'cust-2', 'cust-3'] }, { keys: [] }],
    customer_deal_facts: [{ keys: ['cust-1', 'cust-2', 'cust-3', 'cust-4'] }, { keys: [] }],
    response_times_of_conversations: [{ conversations: ['conv-1', 'conv-2', 'conv-3', 'kconv-1'] }, { conversations: [] }],
    experiment_units: [
      { experiment_id: 'exp-a', from_ms: f.t0 - 3_600_000, to_ms: f.t0 + 7_200_000 },
      { experiment_id: 'exp-b', from_ms: f.t0 - 3_600_000, to_ms: f.t0 + 7_200_000 },
      { experiment_id: 'nope', from_ms: f.t0 - 3_600_000, to_ms: f.t0 + 7_200_000 },
    ],
    owned_conversations: [
      { agents: ['agent-1', 'agent-2'], customers: [], conversations: [], limit: 100 },
      { agents: ['agent-0'], customers: ['cust-3', 'cust-0'], conversations: [], limit: 100 },
      { agents: ['agent-1'], customers: [], conversations: ['conv-1', 'conv-2'], limit: 100 },
      { agents: [], customers: [], conversations: [], limit: 100 },
    ],
    audit_chain: [
      { from_seq: 0, limit: 50 },
      { from_seq: 5, limit: 3 },
    ],
    audit_search: [
      { actor: '', actor_json: '', action: '', customer: '', from_ms: 0, to_ms: f.t0 + 86_400_000, limit: 50, offset: 0 },
      { actor: 'user:u1', actor_json: '"user:u1"', action: 'customer.', customer: '', from_ms: 0, to_ms: f.t0 + 86_400_000, limit: 50, offset: 0 },
      { actor: '', actor_json: '', action: '', customer: 'cust-3', from_ms: f.t0, to_ms: f.t0 + 86_400_000, limit: 2, offset: 1 },
    ],
  };
}

/**
 * Parameter sets for a named query this fixture knows nothing about, derived
 * from its placeholders, so every query shipped is at least run (and compared
 * across adapters) the moment it exists.
 */
export function derivedParams(sql: string, f: WarehouseFixture): QueryParams[] {
  const base: QueryParams = {};
  const variants: QueryParams[] = [];
  for (const p of parsePlaceholders(sql)) {
    const known: Record<string, QueryParams[string]> = {
      from_ms: f.t0 - 3_600_000,
      to_ms: f.t0 + 7_200_000,
      window_ms: 3_600_000,
      bucket_s: 300,
      limit: 50,
      types: ['deal.won', 'message.received', 'conversation.started'],
    };
    if (p.name in known && !(p.nullable && p.name !== 'from_ms' && p.name !== 'to_ms')) base[p.name] = known[p.name];
    else if (p.nullable) base[p.name] = null;
    else if (p.type === 'String') base[p.name] = p.name === 'by' ? 'channel' : 'web';
    else if (p.type === 'Array(String)' || p.type === 'Array(Int64)') base[p.name] = [];
    else if (p.type === 'Bool') base[p.name] = false;
    else base[p.name] = 0;
    if (p.name === 'by') variants.push({ by: 'source' }, { by: 'segment' });
  }
  return [base, ...variants.map((v) => ({ ...base, ...v }))];
}
