import type { QueryParams } from '../../shared/ports/warehouse.js';
import { seededRng } from '../../shared/random.js';
import { parsePlaceholders } from '../../warehouse/sql-params.js';
import { makeKpiFixture, type KpiFixture } from './kpi-fixture.js';
import type {
  AttributionResultRow,
  AttributionTransitionRow,
  ChannelMinuteRow,
  ConversationRow,
  DeadLetterRow,
  EventRow,
  IdentityMergeRow,
  RowOf,
} from '../../shared/tables.js';
import type { ConversationFactsRow } from '../../shared/tables.js';
import { factsRow } from './kpi-fixture.js';

/** Rows for every table, with replays and several versions per key, in a shuffled order. */
export interface WarehouseFixture {
  events: EventRow[];
  minutes: ChannelMinuteRow[];
  /** conversation_facts rows (first response and the rest), several versions per conversation. */
  conversations: ConversationFactsRow[];
  deadLetters: DeadLetterRow[];
  attribution: AttributionResultRow[];
  transitions: AttributionTransitionRow[];
  /** Identity audit rows and conversation sessions (stream/identity, stream/sessions), with replays and versions. */
  identityMerges: IdentityMergeRow[];
  sessions: ConversationRow[];
  /** The hash-chained audit log (api/audit) and experiment definitions with versions (stream/experiments). */
  auditLog: Array<RowOf<'audit_log'>>;
  experiments: Array<RowOf<'experiments'>>;
  /** Durable copies of the access state (api/auth), several revisions. */
  accessSnapshots: Array<RowOf<'access_snapshots'>>;
  /** KPI tables (stream/kpis) and routing gauges. */
  kpi: KpiFixture;
  t0: number;
}

/** Exposures of existing customers to experiments `exp-a` and `exp-b` (two variants), and routing assignments. */
function exposureEvents(t0: number): EventRow[] {
  const out: EventRow[] = [];
  for (let i = 0; i < 16; i++) {
    const at = t0 - 1_800_000 + i * 300_000;
    out.push({
      producer: 'p1',
      id: `exp-${i}`,
      type: 'experiment.exposed',
      channel: 'web',
      occurred_at: at,
      received_at: at + 10,
      customer_key: `cust-${(i * 5) % 41}`,
      conversation_id: null,
      agent_id: null,
      customer: '{}',
      properties: JSON.stringify({ experiment_id: i % 4 === 3 ? 'exp-b' : 'exp-a', variant: i % 2 ? 'treatment' : 'control' }),
    });
  }
  // Assignments (routing): the ownership behind row-level access, a few replayed.
  for (let i = 0; i < 12; i++) {
    const at = t0 + i * 240_000;
    out.push({
      producer: 'routing',
      id: `asg-${i}`,
      type: 'conversation.assigned',
      channel: 'web',
      occurred_at: at,
      received_at: at,
      customer_key: `cust-${i % 7}`,
      conversation_id: `conv-${i}`,
      agent_id: `agent-${i % 3}`,
      customer: '{}',
      properties: '{}',
    });
  }
  return [...out, ...out.slice(-3)];
}

/** Audit entries (actor JSON, a customer on some, signatures on checkpoints) and experiment definitions in versions. */
function auditAndExperimentRows(t0: number): {
  auditLog: Array<RowOf<'audit_log'>>;
  experiments: Array<RowOf<'experiments'>>;
  accessSnapshots: Array<RowOf<'access_snapshots'>>;
} {
  const auditLog: Array<RowOf<'audit_log'>> = [];
  for (let seq = 1; seq <= 12; seq++) {
    auditLog.push({
      seq,
      recorded_at: t0 + seq * 1000,
      actor: JSON.stringify({ id: seq % 3 ? 'user:u1' : 'key:k2', role: seq % 3 ? 'admin' : 'manager' }),
      action: seq % 2 ? 'customer.profile.read' : 'routing.policy.change',
      target: `customer:cust-${seq}`,
      customer_id: seq % 2 ? `cust-${seq}` : null,
      ip: '127.0.0.1',
      status: 200,
      before: '{}',
      after: JSON.stringify({ n: seq, text: '改 "x"' }),
      prev_hash: `h${seq - 1}`,
      hash: `h${seq}`,
      signature: seq % 4 === 0 ? `sig${seq}` : null,
    });
  }
  const experiments: Array<RowOf<'experiments'>> = [];
  for (const id of ['exp-a', 'exp-b']) {
    for (let version = 1; version <= 2; version++)
      experiments.push({
        id,
        definition: JSON.stringify({ id, name: `${id} v${version} 实验`, variants: ['control', 'treatment'] }),
        updated_at: t0 + version * 1000,
        version,
      });
  }
  const accessSnapshots: Array<RowOf<'access_snapshots'>> = [3, 1, 2].map((rev) => ({
    id: 'access',
    state: JSON.stringify({ users: [{ username: `u${rev}`, name: '李 "x"' }], keys: [], rev }),
    saved_at: t0 + rev,
    version: rev,
  }));
  return { auditLog, experiments: [...experiments].reverse(), accessSnapshots };
}

/** Identity and session rows, derived from the index alone so the random draws above stay as they were. */
function identityAndSessionRows(t0: number): { identityMerges: IdentityMergeRow[]; sessions: ConversationRow[] } {
  const identityMerges: IdentityMergeRow[] = [];
  for (let m = 0; m < 24; m++) {
    const kind = ['merge', 'refused', 'split'][m % 3];
    identityMerges.push({
      merge_id: `${kind}:p1/evt-${m}:cust-${(m * 7) % 40}`,
      kind,
      customer_id: `cust-${m % 10}`,
      other_id: `cust-${(m * 7) % 40}`,
      identifiers: JSON.stringify([`phone:+86138${m}`]),
      evidence: JSON.stringify([`ext:x${m}`, `anon:'${m}"`]),
      reason: `linked "x" ${m}\n`,
      event_ref: `p1/evt-${m}`,
      merged_at: t0 + (m % 6) * 1000,
    });
  }
  const sessions: ConversationRow[] = [];
  for (let c = 0; c < 30; c++) {
    for (let v = 1; v <= (c % 3) + 1; v++) {
      sessions.push({
        id: `sess-${c}`,
        customer_id: `cust-${c % 40}`,
        conversation_ids: JSON.stringify([`conv-${c}`, `conv-${c + 1}`]),
        channels: JSON.stringify(['web', 'sms'].slice(0, (c % 2) + 1)),
        last_channel: c % 2 ? 'sms' : 'web',
        started_at: t0 + c * 60_000,
        last_event_at: t0 + c * 60_000 + v * 30_000,
        last_agent: c % 2 ? `agent-${c % 5}` : null,
        intent: c % 3 ? null : 'pricing',
        tags: JSON.stringify(c % 4 ? [] : ['vip']),
        urgent: c % 5 === 0 ? 1 : 0,
        priority: (c * 37) % 150,
        status: v === (c % 3) + 1 && c % 4 === 0 ? 'closed' : 'open',
        version: v * 10,
      });
    }
  }
  return { identityMerges: [...identityMerges, ...identityMerges.slice(0, 5)], sessions: [...sessions].reverse() };
}

const rng = seededRng;

export const CHANNELS = ['email', 'sms', 'web', 'wechat', 'whatsapp'];

/** A deterministic fixture; `seed` varies it. Times are ms with sub-second parts. */
export function makeFixture(seed = 1): WarehouseFixture {
  const r = rng(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const pick = <T>(xs: T[]) => xs[int(0, xs.length - 1)];
  const shuffle = <T>(xs: T[]) => {
    for (let i = xs.length - 1; i > 0; i--) {
      const j = int(0, i);
      [xs[i], xs[j]] = [xs[j], xs[i]];
    }
    return xs;
  };
  const t0 = Date.UTC(2025, 5, 2, 9, 0, 0);
  const events: EventRow[] = [];
  for (let i = 0; i < 240; i++) {
    const occurred = t0 + int(-3_600_000, 7_200_000);
    events.push({
      producer: pick(['p1', 'p2', "p'3"]),
      id: `evt-${i}`,
      type: pick(['message.received', 'conversation.started', 'conversation.started', 'message.sent', 'opportunity.created', 'deal.won']),
      channel: pick(CHANNELS),
      occurred_at: occurred,
      received_at: occurred + int(0, 5000),
      customer_key: `cust-${int(0, 40)}`,
      conversation_id: r() < 0.2 ? null : `conv-${int(0, 60)}`,
      agent_id: r() < 0.5 ? null : `agent-${int(0, 5)}`,
      customer: JSON.stringify({ external_id: `x${i}`, name: 'Zoë "Z" O\'Neil' }),
      properties: JSON.stringify({
        text: `héllo\n${i}`,
        n: i,
        ...(r() < 0.6 ? { source: pick(['ads', 'seo', 'referral']) } : {}),
        ...(r() < 0.5 ? { tag: pick(['smb', 'enterprise']) } : {}),
        ...(r() < 0.7 ? { value: int(1, 5000) * 1.5 } : {}),
      }),
    });
  }
  // Replays: some events appended again, unchanged.
  const replays = events.filter(() => r() < 0.3).map((e) => ({ ...e }));

  const minutes: ChannelMinuteRow[] = [];
  for (let p = 0; p < 4; p++) {
    for (let m = -10; m < 70; m += int(1, 4)) {
      const channel = pick(CHANNELS);
      // Contributions of up to two batches to the same minute; a batch's row may be rewritten with a newer version.
      for (let b = int(0, 1); b < 2; b++) {
        const versions = int(1, 3);
        for (let v = 1; v <= versions; v++) {
          minutes.push({
            bus_partition: p,
            batch_offset: b * 500 + m,
            minute: t0 + m * 60_000,
            channel,
            events: int(0, 50) * v,
            conversations: int(0, 9),
            version: 100 + v * 7,
          });
        }
      }
    }
  }

  const conversations: ConversationFactsRow[] = [];
  for (let c = 0; c < 150; c++) {
    const versions = int(1, 3);
    const channel = pick(CHANNELS);
    let started = t0 + int(-1_800_000, 5_400_000);
    for (let v = 1; v <= versions; v++) {
      if (v > 1 && r() < 0.4) started -= int(1000, 1_200_000); // a late event moved the start earlier
      const responded = r() < 0.7;
      // Few distinct values, so quantiles hit ties and whole n*q positions.
      const frm = responded ? pick([0, 1000, 1500, 2000, 2000, 4500, 30_000, int(0, 600_000)]) : null;
      conversations.push(
        factsRow({
          conversation_id: `conv-${c}`,
          customer_key: `cust-${c % 40}`,
          channel,
          started_at: started,
          first_response_at: frm === null ? null : started + frm,
          first_response_ms: frm,
          agent: frm === null ? '' : `agent-${c % 5}`,
          version: v,
        }),
      );
    }
  }

  const deadLetters: DeadLetterRow[] = [];
  for (let d = 0; d < 25; d++) {
    deadLetters.push({
      source: pick(['ingest', 'stream']),
      ref: `ref-${d}`,
      code: 'STR_ERR_UNPARSABLE',
      reason: `bad "json" at ${d}\\n`,
      payload: `{"x":${d},'y'}`,
      failed_at: t0 + d * 7919 + 13,
    });
  }
  // Attribution runs: several runs per model over different windows; each run's rows are immutable.
  const attribution: AttributionResultRow[] = [];
  const transitions: AttributionTransitionRow[] = [];
  const runs = [
    { id: 'run-a', at: t0 + 1000, from: t0 - 86_400_000, to: t0 },
    { id: 'run-b', at: t0 + 5000, from: t0 - 43_200_000, to: t0 + 3_600_000 },
    { id: 'run-c', at: t0 + 9000, from: t0, to: t0 + 7_200_000 },
  ];
  for (const run of runs) {
    for (const [model, orders] of [
      ['markov', [1, 2]],
      ['last_touch', [0]],
      ['shapley', [0]],
    ] as Array<[string, number[]]>) {
      if (model === 'shapley' && run.id === 'run-c') continue;
      for (const order of orders) {
        for (const channel of CHANNELS.slice(0, int(2, 5))) {
          const bounds = r() < 0.5;
          attribution.push({
            run_id: run.id,
            run_at: run.at,
            model,
            model_order: order,
            window_from: run.from,
            window_to: run.to,
            channel,
            removal_effect: model === 'markov' ? Math.round(r() * 1e6) / 1e6 : null,
            conversions: int(0, 4000) / 8,
            value: int(0, 1e6) / 4,
            conversions_lower: bounds ? int(0, 100) / 4 : null,
            conversions_upper: bounds ? int(100, 200) / 4 : null,
            value_lower: bounds ? int(0, 100) : null,
            value_upper: bounds ? int(100, 200) : null,
            journeys: int(0, 5000),
          });
        }
      }
    }
    for (const order of [1, 2]) {
      for (const from of ['(start)', ...CHANNELS.slice(0, 3)]) {
        for (const to of [...CHANNELS.slice(0, 3), '(conversion)', '(null)']) {
          if (r() < 0.3) continue;
          transitions.push({
            run_id: run.id,
            run_at: run.at,
            model_order: order,
            window_from: run.from,
            window_to: run.to,
            from_state: from,
            to_state: to,
            probability: int(1, 999) / 1000,
          });
        }
      }
    }
  }
  return {
    // Exposures last and from the index alone, so the random draws above stay as they were.
    events: [...shuffle([...events, ...replays]), ...exposureEvents(t0)],
    minutes: shuffle(minutes),
    conversations: shuffle(conversations),
    deadLetters: shuffle(deadLetters),
    attribution: shuffle([...attribution, ...attribution.filter(() => r() < 0.3)]),
    transitions: shuffle([...transitions, ...transitions.filter(() => r() < 0.3)]),
    ...identityAndSessionRows(t0),
    ...auditAndExperimentRows(t0),
    kpi: makeKpiFixture(t0, seed),
    t0,
  };
}

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
