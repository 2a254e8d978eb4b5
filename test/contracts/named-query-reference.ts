/** What each named query must return for a warehouse fixture, computed in plain JS (the contract's expected answers). */
import type { QueryParams } from '../../shared/ports/warehouse.js';
import type { ConversationFactsRow } from '../../shared/tables.js';
import type { WarehouseFixture } from './warehouse-fixture.js';

/** Keeps the row with the highest version per key (the last one on ties). */
function latest<T>(rows: T[], key: (r: T) => string, version: (r: T) => number): T[] {
  const m = new Map<string, T>();
  for (const r of rows) {
    const prev = m.get(key(r));
    if (!prev || version(r) >= version(prev)) m.set(key(r), r);
  }
  return [...m.values()];
}

const byStr = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const disc = (sorted: number[], q: number) => sorted[Math.ceil(sorted.length * q) - 1];

function frSummary(values: number[]) {
  const s = [...values].sort((a, b) => a - b);
  const n = s.length;
  return { count: n, avg_ms: n ? s.reduce((a, b) => a + b, 0) / n : null, p50_ms: n ? disc(s, 0.5) : null, p90_ms: n ? disc(s, 0.9) : null };
}

/**
 * What each named query must return for a fixture, computed from scratch in
 * JS (numbers as numbers; adapters' 64-bit integers are compared numerically).
 */
export const REFERENCE: Record<string, (f: WarehouseFixture, p: QueryParams) => Array<Record<string, unknown>>> = {
  events_count(f, p) {
    const ids = new Set(f.events.filter((e) => p.producer == null || e.producer === p.producer).map((e) => `${e.producer}\u0000${e.id}`));
    return [{ events: ids.size }];
  },
  metric_channel_counts(f, p) {
    return channelBuckets(f, p, Number(p.bucket_s)).map(({ minute_ms, ...rest }) => ({ bucket_ms: minute_ms, ...rest }));
  },
  board_first_response(f, p) {
    const rows = responded(f, p);
    const out: Array<Record<string, unknown>> = [{ channel: null, ...frSummary(rows.map((r) => r.first_response_ms!)) }];
    for (const ch of [...new Set(rows.map((r) => r.channel))].sort(byStr)) {
      out.push({ channel: ch, ...frSummary(rows.filter((r) => r.channel === ch).map((r) => r.first_response_ms!)) });
    }
    return out;
  },
  dead_letters_recent(f, p) {
    const rows = latest(
      f.deadLetters,
      (d) => `${d.source}\u0000${d.ref}`,
      () => 0,
    );
    return rows
      .sort((a, b) => b.failed_at - a.failed_at)
      .slice(0, Number(p.limit))
      .map((d) => ({ source: d.source, ref: d.ref, code: d.code, reason: d.reason, payload: d.payload, failed_at_ms: d.failed_at }));
  },
  journey_events(f, p) {
    const types = p.types as string[];
    const rows = latest(
      f.events,
      (e) => `${e.producer}\u0000${e.id}`,
      () => 0,
    ).filter((e) => e.occurred_at >= Number(p.from_ms) && e.occurred_at < Number(p.to_ms) && types.includes(e.type));
    return rows
      .sort((a, b) => byStr(a.customer_key, b.customer_key) || a.occurred_at - b.occurred_at || byStr(a.producer, b.producer) || byStr(a.id, b.id))
      .map((e) => ({
        producer: e.producer,
        id: e.id,
        customer_key: e.customer_key,
        type: e.type,
        channel: e.channel,
        occurred_at_ms: e.occurred_at,
        properties: e.properties,
      }));
  },
  attribution_conversion_watermark(f, p) {
    const types = p.types as string[];
    const rows = latest(
      f.events,
      (e) => `${e.producer}\u0000${e.id}`,
      () => 0,
    ).filter((e) => e.occurred_at >= Number(p.from_ms) && types.includes(e.type));
    return [{ conversions: rows.length, max_received_ms: rows.length ? Math.max(...rows.map((e) => e.received_at)) : 0 }];
  },
  attribution_latest(f, p) {
    const rows = latest(
      f.attribution,
      (a) => [a.run_id, a.model, a.model_order, a.channel].join('\u0000'),
      () => 0,
    );
    const inWindow = (a: { window_from: number; window_to: number }) =>
      (p.from_ms == null || a.window_from >= Number(p.from_ms)) && (p.to_ms == null || a.window_to <= Number(p.to_ms));
    const latestRun = new Map<string, { run_id: string; run_at: number }>();
    for (const a of rows.filter(inWindow)) {
      const cur = latestRun.get(a.model);
      if (!cur || a.run_at > cur.run_at) latestRun.set(a.model, { run_id: a.run_id, run_at: a.run_at });
    }
    return rows
      .filter((a) => latestRun.get(a.model)?.run_id === a.run_id)
      .sort((a, b) => byStr(a.model, b.model) || a.model_order - b.model_order || byStr(a.channel, b.channel))
      .map((a) => ({
        run_id: a.run_id,
        run_at_ms: a.run_at,
        model: a.model,
        model_order: a.model_order,
        window_from_ms: a.window_from,
        window_to_ms: a.window_to,
        channel: a.channel,
        removal_effect: a.removal_effect,
        conversions: a.conversions,
        value: a.value,
        conversions_lower: a.conversions_lower,
        conversions_upper: a.conversions_upper,
        value_lower: a.value_lower,
        value_upper: a.value_upper,
        journeys: a.journeys,
      }));
  },
  attribution_transitions_latest(f, p) {
    const rows = latest(
      f.transitions,
      (t) => [t.run_id, t.model_order, t.from_state, t.to_state].join('\u0000'),
      () => 0,
    );
    const inWindow = rows.filter((t) => (p.from_ms == null || t.window_from >= Number(p.from_ms)) && (p.to_ms == null || t.window_to <= Number(p.to_ms)));
    if (inWindow.length === 0) return [];
    const run = inWindow.reduce((a, b) => (b.run_at > a.run_at ? b : a)).run_id;
    return rows
      .filter((t) => t.run_id === run)
      .sort((a, b) => a.model_order - b.model_order || byStr(a.from_state, b.from_state) || byStr(a.to_state, b.to_state))
      .map((t) => ({
        run_id: t.run_id,
        run_at_ms: t.run_at,
        model_order: t.model_order,
        window_from_ms: t.window_from,
        window_to_ms: t.window_to,
        from_state: t.from_state,
        to_state: t.to_state,
        probability: t.probability,
      }));
  },
  customer_sessions(f, p) {
    const ids = p.ids as string[];
    return latest(
      f.sessions,
      (c) => c.id,
      (c) => c.version,
    )
      .filter((c) => ids.includes(c.customer_id))
      .sort((a, b) => a.started_at - b.started_at || byStr(a.id, b.id))
      .map(({ started_at, last_event_at, ...c }) => ({
        id: c.id,
        customer_id: c.customer_id,
        conversation_ids: c.conversation_ids,
        channels: c.channels,
        last_channel: c.last_channel,
        started_at_ms: started_at,
        last_event_at_ms: last_event_at,
        last_agent: c.last_agent ?? null,
        intent: c.intent ?? null,
        tags: c.tags,
        urgent: c.urgent,
        priority: c.priority,
        status: c.status,
        version: c.version,
      }));
  },
  customer_conversation_facts(f, p) {
    const keys = p.keys as string[];
    const n = (v: number | null | undefined) => v ?? null;
    return latest(
      [...f.conversations, ...f.kpi.conversationFacts],
      (c) => c.conversation_id,
      (c) => c.version,
    )
      .filter((c) => keys.includes(c.customer_key))
      .sort((a, b) => a.started_at - b.started_at || byStr(a.conversation_id, b.conversation_id))
      .map((c) => ({
        conversation_id: c.conversation_id,
        customer_key: c.customer_key,
        channel: c.channel,
        source: c.source,
        team: c.team,
        agent: c.agent,
        tag: c.tag,
        started_at_ms: c.started_at,
        last_event_at_ms: c.last_event_at,
        first_response_at_ms: n(c.first_response_at),
        first_response_ms: n(c.first_response_ms),
        assigned_at_ms: n(c.assigned_at),
        wait_ms: n(c.wait_ms),
        sla_due_at_ms: n(c.sla_due_at),
        sla_met: n(c.sla_met),
        closed_at_ms: n(c.closed_at),
        duration_ms: c.duration_ms,
        outcome: c.outcome,
        messages_in: c.messages_in,
        messages_out: c.messages_out,
        complaint: c.complaint,
        csat: n(c.csat),
        nps: n(c.nps),
        version: c.version,
      }));
  },
  customer_deal_facts(f, p) {
    const keys = p.keys as string[];
    return latest(
      f.kpi.dealFacts,
      (d) => d.deal_id,
      (d) => d.version,
    )
      .filter((d) => keys.includes(d.customer_key))
      .sort((a, b) => a.won_at - b.won_at || byStr(a.deal_id, b.deal_id))
      .map((d) => ({
        deal_id: d.deal_id,
        customer_key: d.customer_key,
        conversation_id: d.conversation_id ?? null,
        won_at_ms: d.won_at,
        value: d.value,
        first_touch_at_ms: d.first_touch_at,
        cycle_ms: d.cycle_ms,
        channel: d.channel,
        source: d.source,
        team: d.team,
        agent: d.agent,
        tag: d.tag,
        version: d.version,
      }));
  },
  response_times_of_conversations(f, p) {
    const conversations = p.conversations as string[];
    return latest(
      f.kpi.responseTimes,
      (r) => `${r.conversation_id}\u0000${r.reply_id}`,
      (r) => r.version,
    )
      .filter((r) => conversations.includes(r.conversation_id))
      .sort((a, b) => byStr(a.conversation_id, b.conversation_id) || a.replied_at - b.replied_at || byStr(a.reply_id, b.reply_id))
      .map((r) => ({
        conversation_id: r.conversation_id,
        reply_id: r.reply_id,
        replied_at_ms: r.replied_at,
        inbound_at_ms: r.inbound_at,
        response_ms: r.response_ms,
        channel: r.channel,
        source: r.source,
        team: r.team,
        agent: r.agent,
        tag: r.tag,
        version: r.version,
      }));
  },
};

function channelBuckets(f: WarehouseFixture, p: QueryParams, bucketS: number) {
  const bucket = bucketS * 1000;
  const rows = latest(
    f.minutes,
    (m) => `${m.bus_partition}\u0000${m.batch_offset}\u0000${m.minute}\u0000${m.channel}`,
    (m) => m.version,
  ).filter((m) => m.minute >= Number(p.from_ms) && m.minute < Number(p.to_ms) && (p.channel == null || m.channel === p.channel));
  const groups = new Map<string, { minute_ms: number; channel: string; events: number; conversations: number }>();
  for (const m of rows) {
    const b = Math.floor(m.minute / bucket) * bucket;
    const k = `${b}\u0000${m.channel}`;
    const g = groups.get(k) ?? { minute_ms: b, channel: m.channel, events: 0, conversations: 0 };
    g.events += m.events;
    g.conversations += m.conversations;
    groups.set(k, g);
  }
  return [...groups.values()].sort((a, b) => a.minute_ms - b.minute_ms || byStr(a.channel, b.channel));
}

function responded(f: WarehouseFixture, p: QueryParams): ConversationFactsRow[] {
  return latest(
    [...f.conversations, ...f.kpi.conversationFacts],
    (c) => c.conversation_id,
    (c) => c.version,
  ).filter((c) => c.started_at >= Number(p.from_ms) && c.started_at < Number(p.to_ms) && c.first_response_ms !== null);
}

/** Numeric strings (64-bit integers as JSON strings) as numbers, for comparing with REFERENCE. */
export function numeric(rows: Array<Record<string, unknown>>): Array<Record<string, unknown>> {
  return rows.map((r) =>
    Object.fromEntries(
      Object.entries(r).map(([k, v]) => [
        k,
        typeof v === 'string' &&
        /^-?\d+$/.test(v) &&
        !['ref', 'source', 'channel', 'payload', 'reason', 'code', 'id', 'producer', 'customer_key', 'run_id', 'from_state', 'to_state', 'model'].includes(k)
          ? Number(v)
          : v,
      ]),
    ),
  );
}
