import type { EventEnvelope } from '../../shared/envelope.js';
import type { ConversationRow } from '../../shared/tables.js';
import type { OffsetEvent } from '../metrics/first-metrics.js';
import { conversationPriority, isUrgent, type PriorityRules } from './priority.js';

/**
 * Sessions as a pure fold: the open conversation of each customer, across
 * channels. Design: a session's id is the conversation id of the event that
 * opened it (or `<customer>@<ms>` when that event had none); every
 * conversation id the customer used while it was open is recorded in
 * `conversation_ids`. Events keep their own conversation_id everywhere else
 * (first response stays per channel conversation); `conversations` rows and
 * routing see one session.
 *
 * A customer's event continues the open session when the session is neither
 * closed nor expired (gap ≤ expiryMs) and either it is on the same channel,
 * it names a conversation id the session already has, or it comes within
 * switchWindowMs of the last event (a channel switch). Otherwise the open
 * session is closed and a new one starts. When identity resolution merged
 * customers, their open sessions become one (see `adopt`).
 */
export interface SessionRules {
  switchWindowMs: number;
  expiryMs: number;
  priority: PriorityRules;
}

export interface SessionState {
  id: string;
  customer_id: string;
  conversation_ids: string[];
  /** Channel history: each switch appended (web, sms, web …), at most MAX_HISTORY. */
  channels: string[];
  last_channel: string;
  started_at: number;
  last_event_at: number;
  last_agent: string | null;
  intent: string | null;
  tags: string[];
  urgent: boolean;
  priority: number;
  status: 'open' | 'closed';
}

export interface SessionFoldInput {
  events: OffsetEvent[];
  /** Current session per customer id, for every customer the events touch. */
  sessions: Map<string, SessionState>;
  rules: SessionRules;
}

export interface SessionFoldOutput {
  sessions: Map<string, SessionState>;
  rows: ConversationRow[];
}

/** Event types that belong to a conversation; others (touchpoints, deals, surveys) leave sessions alone. */
export const SESSION_TYPES = new Set([
  'conversation.started',
  'message.received',
  'message.sent',
  'conversation.assigned',
  'conversation.closed',
  'complaint.filed',
]);
/** The customer's own words: the only events whose text the fold reads (urgent keywords). */
export const INBOUND: ReadonlySet<string> = new Set(['conversation.started', 'message.received', 'complaint.filed']);
const MAX_HISTORY = 20;
const MAX_IDS = 50;
const MAX_TAGS = 20;

const str = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim().slice(0, 128) : null);

/** Tags from `properties.tag` (a string or a list), lower-cased. */
export function tagsOf(p: Record<string, unknown>): string[] {
  const raw = Array.isArray(p.tag) ? p.tag : [p.tag];
  return raw
    .map(str)
    .filter((t): t is string => t !== null)
    .map((t) => t.toLowerCase());
}

/** Customers an event's identity resolution merged into its customer (the records ingest attached). */
export function mergedAway(e: EventEnvelope): string[] {
  const records = (e as { identity_records?: Array<{ kind: string; customer_id: string; other_id: string }> }).identity_records ?? [];
  return records.filter((r) => r.kind === 'merge' && r.customer_id === e.customer_key).map((r) => r.other_id);
}

/** Whether event `e` continues session `s` (see the module comment). */
export function continues(s: SessionState | undefined, e: EventEnvelope, rules: SessionRules): boolean {
  if (!s || s.status !== 'open') return false;
  const gap = e.occurred_at - s.last_event_at;
  if (gap > rules.expiryMs) return false;
  if (e.channel === s.last_channel) return true;
  if (e.conversation_id !== null && s.conversation_ids.includes(e.conversation_id)) return true;
  return gap <= rules.switchWindowMs;
}

function toRow(s: SessionState, version: number): ConversationRow {
  return {
    id: s.id,
    customer_id: s.customer_id,
    conversation_ids: JSON.stringify(s.conversation_ids),
    channels: JSON.stringify(s.channels),
    last_channel: s.last_channel,
    started_at: s.started_at,
    last_event_at: s.last_event_at,
    last_agent: s.last_agent,
    intent: s.intent,
    tags: JSON.stringify(s.tags),
    urgent: s.urgent ? 1 : 0,
    priority: s.priority,
    status: s.status,
    version,
  };
}

/**
 * Folds deduplicated events into sessions. Inputs are not mutated. Rows
 * carry absolute values versioned by the bus offset, so a replay writes the
 * same rows. A session closed by a new one is written as closed.
 */
export function foldSessions(input: SessionFoldInput): SessionFoldOutput {
  const sessions = new Map<string, SessionState>();
  const rows = new Map<string, ConversationRow>();
  const current = (k: string) => (sessions.has(k) ? sessions.get(k) : input.sessions.get(k));
  const { rules } = input;
  const live = (x: SessionState, at: number): boolean => x.status === 'open' && at - x.last_event_at <= rules.expiryMs;
  const reprioritise = (x: SessionState) =>
    (x.priority = conversationPriority({ channels: [...new Set(x.channels)], urgent: x.urgent, tags: x.tags }, rules.priority));

  /**
   * A merge joins the merged-away customer's open session to the survivor's:
   * the survivor's open session absorbs it (ids, channels, tags, urgency) and
   * it is closed; without one, the survivor takes it over whole.
   */
  function adopt(k: string, loser: string, at: number, offset: number): void {
    const l = current(loser);
    if (!l || !live(l, at)) return;
    sessions.set(loser, { ...l, status: 'closed' });
    const w = current(k);
    if (w && live(w, at)) {
      const m: SessionState = {
        ...w,
        conversation_ids: [...new Set([...w.conversation_ids, ...l.conversation_ids])].slice(0, MAX_IDS),
        channels: [...w.channels, ...l.channels].filter((c, i, xs) => i === 0 || xs[i - 1] !== c).slice(-MAX_HISTORY),
        started_at: Math.min(w.started_at, l.started_at),
        last_event_at: Math.max(w.last_event_at, l.last_event_at),
        last_agent: (l.last_event_at > w.last_event_at ? l.last_agent : w.last_agent) ?? w.last_agent ?? l.last_agent,
        intent: w.intent ?? l.intent,
        tags: [...new Set([...w.tags, ...l.tags])].slice(0, MAX_TAGS),
        urgent: w.urgent || l.urgent,
      };
      reprioritise(m);
      sessions.set(k, m);
      rows.set(m.id, toRow(m, offset));
      rows.set(l.id, toRow({ ...l, status: 'closed' }, offset));
    } else {
      if (w && w.status === 'open') rows.set(w.id, toRow({ ...w, status: 'closed' }, offset));
      const m: SessionState = { ...l, customer_id: k };
      sessions.set(k, m);
      rows.set(m.id, toRow(m, offset));
    }
  }

  for (const { offset, event: e } of input.events) {
    for (const loser of mergedAway(e)) adopt(e.customer_key, loser, e.occurred_at, offset);
    if (!SESSION_TYPES.has(e.type)) continue;
    const k = e.customer_key;
    const prev = current(k);
    let s: SessionState;
    if (prev && continues(prev, e, rules)) {
      s = { ...prev, conversation_ids: [...prev.conversation_ids], channels: [...prev.channels], tags: [...prev.tags] };
    } else {
      if (prev && prev.status === 'open') rows.set(prev.id, toRow({ ...prev, status: 'closed' }, offset));
      if (e.type === 'conversation.closed') {
        if (prev) sessions.set(k, { ...prev, status: 'closed' });
        continue;
      }
      let id = e.conversation_id ?? `${k}@${e.occurred_at}`;
      if (prev && prev.id === id) id = `${id}~${e.occurred_at}`;
      s = {
        id,
        customer_id: k,
        conversation_ids: [],
        channels: [],
        last_channel: e.channel,
        started_at: e.occurred_at,
        last_event_at: e.occurred_at,
        last_agent: null,
        intent: null,
        tags: [],
        urgent: false,
        priority: 0,
        status: 'open',
      };
    }
    if (e.conversation_id !== null && !s.conversation_ids.includes(e.conversation_id) && s.conversation_ids.length < MAX_IDS)
      s.conversation_ids.push(e.conversation_id);
    if (s.channels.at(-1) !== e.channel) {
      s.channels.push(e.channel);
      if (s.channels.length > MAX_HISTORY) s.channels.splice(0, s.channels.length - MAX_HISTORY);
    }
    s.last_channel = e.channel;
    s.started_at = Math.min(s.started_at, e.occurred_at);
    s.last_event_at = Math.max(s.last_event_at, e.occurred_at);
    if ((e.type === 'message.sent' || e.type === 'conversation.assigned') && e.agent_id) s.last_agent = e.agent_id;
    s.intent = str(e.properties.intent) ?? s.intent;
    for (const t of tagsOf(e.properties)) if (!s.tags.includes(t) && s.tags.length < MAX_TAGS) s.tags.push(t);
    const text = typeof e.properties.text === 'string' ? e.properties.text : '';
    if (e.type === 'complaint.filed' || (INBOUND.has(e.type) && isUrgent(text, rules.priority.urgentKeywords))) s.urgent = true;
    reprioritise(s);
    if (e.type === 'conversation.closed') s.status = 'closed';
    sessions.set(k, s);
    rows.set(s.id, toRow(s, offset));
  }
  return { sessions, rows: [...rows.values()] };
}
