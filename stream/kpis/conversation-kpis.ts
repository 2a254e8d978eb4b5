import type { EventEnvelope } from '../../shared/envelope.js';
import type { ConversationFactsRow, ResponseTimeRow } from '../../shared/tables.js';
import { eventRef, statedDims, type StatedDims } from './dims.js';
import { waitOf } from './counters.js';

/**
 * Per-conversation KPI state: only order-free summaries of the conversation's
 * events (earliest, latest, sets of times), so folding the same events in any
 * order, in any batches, gives the same state and the same rows.
 */

/** A value with the event time and uid that decided it; ties between equal times go to the smaller uid. */
type Stamped<T> = [number, string, T];

export interface ConversationKpiState {
  customer_key: string;
  /** Earliest customer-side message or start: [time, uid, channel]. */
  start: Stamped<string> | null;
  last_event_at: number;
  /** Customer message times, sorted, the earliest MAX_TIMES. */
  inbound: number[];
  /** Agent replies [time, uid, agent], sorted, the earliest MAX_TIMES. */
  outbound: Array<Stamped<string>>;
  /** Earliest stated source and tag; latest assignment's agent and team. */
  source: Stamped<string> | null;
  tag: Stamped<string> | null;
  assignment: Stamped<{ agent: string; team: string }> | null;
  /** Earliest assignment that ended the wait: [time, uid, { wait_ms, sla_due_at, sla_met }]. */
  wait: Stamped<{ wait_ms: number; sla_due_at: number | null; sla_met: boolean | null }> | null;
  /** Latest close. */
  closed: Stamped<string> | null;
  messages_in: number;
  messages_out: number;
  complaint: number;
  /** Latest survey answers. */
  csat: Stamped<number> | null;
  nps: Stamped<number> | null;
  /**
   * Reply uid → what its last response_times row said: rows are written only when they change, and a reply
   * that stops answering is corrected.
   */
  written: Record<string, string>;
}

export const MAX_TIMES = 200;
const INBOUND = new Set(['conversation.started', 'message.received']);

const earlier = <T>(a: Stamped<T> | null, t: number, uid: string): boolean => a === null || t < a[0] || (t === a[0] && uid < a[1]);
const later = <T>(a: Stamped<T> | null, t: number, uid: string): boolean => a === null || t > a[0] || (t === a[0] && uid > a[1]);

export function emptyConversationKpis(customerKey: string): ConversationKpiState {
  return {
    customer_key: customerKey,
    start: null,
    last_event_at: 0,
    inbound: [],
    outbound: [],
    source: null,
    tag: null,
    assignment: null,
    wait: null,
    closed: null,
    messages_in: 0,
    messages_out: 0,
    complaint: 0,
    csat: null,
    nps: null,
    written: {},
  };
}

function insertSorted<T>(list: T[], item: T, time: (x: T) => number): void {
  let i = list.length;
  while (i > 0 && time(list[i - 1]) > time(item)) i--;
  list.splice(i, 0, item);
  if (list.length > MAX_TIMES) list.length = MAX_TIMES;
}

/** Folds one event (already deduplicated) into a copy of `prev`. */
export function foldConversationKpi(prev: ConversationKpiState, e: EventEnvelope): ConversationKpiState {
  const s: ConversationKpiState = { ...prev, inbound: [...prev.inbound], outbound: [...prev.outbound] };
  applyConversationKpi(s, e);
  return s;
}

/**
 * Folds one event into `s` in place: for the stream step, which owns the
 * state it just decoded (copying the time lists per event made long
 * conversations quadratic).
 */
export function applyConversationKpi(s: ConversationKpiState, e: EventEnvelope): void {
  const t = e.occurred_at;
  const uid = eventRef(e);
  const d = statedDims(e);
  s.last_event_at = Math.max(s.last_event_at, t);
  if (d.source !== null && earlier(s.source, t, uid)) s.source = [t, uid, d.source];
  if (d.tag !== null && earlier(s.tag, t, uid)) s.tag = [t, uid, d.tag];
  if (INBOUND.has(e.type)) {
    if (earlier(s.start, t, uid)) s.start = [t, uid, e.channel];
    insertSorted(s.inbound, t, (x) => x);
  }
  switch (e.type) {
    case 'message.received':
      s.messages_in += 1;
      break;
    case 'message.sent':
      s.messages_out += 1;
      insertSorted(s.outbound, [t, uid, d.agent ?? ''] as Stamped<string>, (x) => x[0]);
      break;
    case 'conversation.assigned': {
      if (later(s.assignment, t, uid)) s.assignment = [t, uid, { agent: d.agent ?? '', team: d.team ?? '' }];
      const w = waitOf(e);
      if (w && earlier(s.wait, t, uid)) {
        const due = e.properties.sla_due_at;
        s.wait = [t, uid, { wait_ms: w.waitMs, sla_due_at: typeof due === 'number' && Number.isFinite(due) ? due : null, sla_met: w.slaMet }];
      }
      break;
    }
    case 'conversation.closed':
      if (later(s.closed, t, uid)) s.closed = [t, uid, typeof e.properties.outcome === 'string' ? e.properties.outcome.slice(0, 32) : ''];
      break;
    case 'complaint.filed':
      s.complaint = 1;
      break;
    case 'csat.submitted':
      if (later(s.csat, t, uid)) s.csat = [t, uid, Number(e.properties.score)];
      break;
    case 'nps.submitted':
      if (later(s.nps, t, uid)) s.nps = [t, uid, Number(e.properties.score)];
      break;
    default:
      break;
  }
}

/** What the conversation has revealed about its dimensions (the fallback for events silent about them). */
export function knownDims(s: ConversationKpiState): Partial<StatedDims> {
  const firstReplyAgent = s.outbound.find((o) => o[2] !== '')?.[2];
  return {
    source: s.source?.[2],
    tag: s.tag?.[2],
    team: s.assignment?.[2].team || undefined,
    agent: s.assignment?.[2].agent || firstReplyAgent,
  };
}

/**
 * Response times: each reply answers the customer messages after the previous
 * reply and at or before it; its response time is measured from the earliest
 * of them. A reply with nothing to answer has no response time.
 */
export function responsesOf(s: ConversationKpiState): Array<{ uid: string; at: number; inboundAt: number; agent: string }> {
  const out: Array<{ uid: string; at: number; inboundAt: number; agent: string }> = [];
  let i = 0;
  for (const [at, uid, agent] of s.outbound) {
    let first: number | null = null;
    while (i < s.inbound.length && s.inbound[i] <= at) {
      if (first === null) first = s.inbound[i];
      i++;
    }
    if (first !== null) out.push({ uid, at, inboundAt: first, agent });
  }
  return out;
}

export interface ConversationRows {
  facts: ConversationFactsRow | null;
  responses: ResponseTimeRow[];
  /** The new `written` map to keep in the state. */
  written: Record<string, string>;
}

/** Rows for a conversation's current state, versioned by `version` (the bus offset of its latest event). */
export function conversationRows(id: string, s: ConversationKpiState, version: number): ConversationRows {
  if (s.start === null) return { facts: null, responses: [], written: s.written };
  const known = knownDims(s);
  const dims = { channel: s.start[2], source: known.source ?? '', team: known.team ?? '', agent: known.agent ?? '', tag: known.tag ?? '' };
  const started = s.start[0];
  const fr = s.outbound.find((o) => o[0] >= started);
  const facts: ConversationFactsRow = {
    conversation_id: id,
    customer_key: s.customer_key,
    ...dims,
    started_at: started,
    last_event_at: Math.max(s.last_event_at, started),
    first_response_at: fr ? fr[0] : null,
    first_response_ms: fr ? fr[0] - started : null,
    assigned_at: s.wait ? s.wait[0] : null,
    wait_ms: s.wait ? s.wait[2].wait_ms : null,
    sla_due_at: s.wait?.[2].sla_due_at ?? null,
    sla_met: s.wait && s.wait[2].sla_met !== null ? (s.wait[2].sla_met ? 1 : 0) : null,
    closed_at: s.closed ? s.closed[0] : null,
    duration_ms: Math.max(s.last_event_at, started) - started,
    outcome: s.closed ? s.closed[2] : '',
    messages_in: s.messages_in,
    messages_out: s.messages_out,
    complaint: s.complaint,
    csat: s.csat ? s.csat[2] : null,
    nps: s.nps ? s.nps[2] : null,
    version,
  };
  const current = responsesOf(s);
  const answering = new Set(current.map((r) => r.uid));
  const all: ResponseTimeRow[] = current.map((r) => ({
    conversation_id: id,
    reply_id: r.uid,
    replied_at: r.at,
    inbound_at: r.inboundAt,
    response_ms: r.at - r.inboundAt,
    ...dims,
    agent: r.agent || dims.agent,
    version,
  }));
  // A reply that answered before but no longer does (an earlier reply arrived late) is corrected to
  // response_ms = -1; readers keep response_ms >= 0. Upsert tables cannot delete, so this is the retraction.
  for (const uid of Object.keys(s.written)) {
    if (answering.has(uid)) continue;
    const o = s.outbound.find((x) => x[1] === uid);
    if (!o) continue;
    all.push({ conversation_id: id, reply_id: uid, replied_at: o[0], inbound_at: o[0], response_ms: -1, ...dims, agent: o[2] || dims.agent, version });
  }
  const written: Record<string, string> = { ...s.written };
  const responses: ResponseTimeRow[] = [];
  for (const row of all) {
    const said = `${row.response_ms}|${row.inbound_at}|${row.channel}|${row.source}|${row.team}|${row.agent}|${row.tag}`;
    if (written[row.reply_id] === said) continue;
    written[row.reply_id] = said;
    responses.push(row);
  }
  return { facts, responses, written };
}
