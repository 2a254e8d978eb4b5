import { seededRng } from '../../shared/random.js';
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
