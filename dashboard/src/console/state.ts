import type { LiveStatus } from '../live/live-client.js';
import type {
  BotHandoffInfo,
  ChatMessage,
  ConsoleConversation,
  ConsoleQueue,
  ConversationDetail,
  CustomerProfile,
  LiveMessage,
  Me,
  Outcome,
  Presence,
  RoutingOverview,
  Suggestion,
  TimelineEvent,
} from './types.js';
import { toMs } from './types.js';
import { idleSearch, type SearchState } from './search.js';

/**
 * The agent console's state and its pure reducer. Effects (HTTP, SSE, timers) live in `controller.ts`; the DOM in
 * the `*-pane.ts` files. Everything here is plain data so it is unit-tested without a browser.
 */

/** A chat line. `pending` holds the client message id while our own reply has not come back from the server. */
export interface ChatEntry {
  at: number;
  direction: 'in' | 'out';
  channel: string;
  text: string;
  agent_id: string | null;
  /** Server message id and bot flag, for labelling (labelling.ts). */
  id?: string;
  bot?: boolean;
  pending?: string;
  failed?: boolean;
}

export interface OpenConversation {
  id: string;
  conversation: ConsoleConversation | null;
  messages: ChatEntry[];
  suggestions: Suggestion[];
  loaded: boolean;
  /** The FAQ bot's handoff (intent, summary), shown at the top of the chat. */
  handoff?: BotHandoffInfo;
}

export interface CustomerPanel {
  id: string;
  profile: CustomerProfile | null;
  timeline: TimelineEvent[] | null;
  error: string | null;
}

/** A message to show under the toolbar: an i18n key (console.*) and its parameters. */
export interface Notice {
  key: string;
  params?: Record<string, string | number>;
  tone: 'ok' | 'error';
}

export interface ConsoleState {
  me: Me | null;
  /** why the console cannot be used with this key (forbidden, backend missing …) */
  blocked: Notice | null;
  queues: ConsoleQueue[];
  offered: ConsoleConversation[];
  active: ConsoleConversation[];
  selected: OpenConversation | null;
  customer: CustomerPanel | null;
  routing: RoutingOverview | null;
  /** the customer search box (search.ts): what it found, or why not */
  search: SearchState;
  unread: Record<string, number>;
  notice: Notice | null;
  live: LiveStatus;
}

export const initialConsoleState: ConsoleState = {
  me: null,
  blocked: null,
  queues: [],
  offered: [],
  active: [],
  selected: null,
  customer: null,
  routing: null,
  search: idleSearch,
  unread: {},
  notice: null,
  live: 'offline',
};

export type ConsoleAction =
  | { type: 'me'; me: Me }
  | { type: 'suggestions'; id: string; suggestions: Suggestion[] }
  | { type: 'blocked'; notice: Notice | null }
  | { type: 'presence'; presence: Presence }
  | { type: 'lists'; queues?: ConsoleQueue[]; offered?: ConsoleConversation[]; active?: ConsoleConversation[] }
  | { type: 'routing'; routing: RoutingOverview | null }
  | { type: 'select'; id: string | null }
  | { type: 'detail'; id: string; detail: ConversationDetail }
  | { type: 'customer'; id: string; profile?: CustomerProfile | null; timeline?: TimelineEvent[] | null; error?: string | null }
  | { type: 'message'; message: LiveMessage }
  | { type: 'sending'; conversationId: string; clientMsgId: string; text: string; agentId: string; at: number }
  | { type: 'sendFailed'; conversationId: string; clientMsgId: string }
  | { type: 'status'; conversationId: string; status: string; agentId?: string | null }
  | { type: 'notice'; notice: Notice | null }
  | { type: 'search'; search: SearchState }
  | { type: 'live'; status: LiveStatus };

function toEntry(m: ChatMessage): ChatEntry {
  return {
    at: toMs(m.at) ?? 0,
    direction: m.direction === 'out' ? 'out' : 'in',
    channel: m.channel,
    text: String(m.text ?? ''),
    agent_id: m.agent_id ?? null,
    ...(m.id ? { id: m.id } : {}),
    ...(m.bot ? { bot: true } : {}),
  };
}

/**
 * Equal texts, or one is the other's stored preview: the server keeps long messages cut to a preview ending in …
 * (stream/routing/conversation-meta.ts) while the live stream carries them whole.
 */
const sameText = (a: string, b: string) => a === b || clippedOf(a, b) || clippedOf(b, a);
const clippedOf = (clip: string, full: string) => clip.endsWith('…') && clip.length < full.length && full.startsWith(clip.slice(0, -1));

/**
 * Adds a server-side message to a chat. Our own reply echoed back by the server replaces its pending line
 * (same direction and text), and a message already shown (same time, direction and text: the SSE stream and a
 * detail reload can both deliver it) is not shown twice. Lines stay in time order.
 */
export function mergeMessage(messages: readonly ChatEntry[], incoming: ChatEntry): ChatEntry[] {
  if (messages.some((m) => !m.pending && m.at === incoming.at && m.direction === incoming.direction && sameText(m.text, incoming.text)))
    return messages.slice();
  const pendingIdx = incoming.direction === 'out' ? messages.findIndex((m) => m.pending && m.text === incoming.text) : -1;
  const next = pendingIdx >= 0 ? messages.filter((_, i) => i !== pendingIdx) : messages.slice();
  const at = next.findIndex((m) => m.at > incoming.at && !m.pending);
  if (at === -1) {
    // after the last confirmed line but before our still-pending ones, which were typed later
    const firstPending = next.findIndex((m) => m.pending);
    next.splice(firstPending === -1 ? next.length : firstPending, 0, incoming);
  } else {
    next.splice(at, 0, incoming);
  }
  return next;
}

const without = (list: ConsoleConversation[], id: string) => list.filter((c) => c.conversation_id !== id);

function findConversation(s: ConsoleState, id: string): ConsoleConversation | null {
  return s.active.find((c) => c.conversation_id === id) ?? s.offered.find((c) => c.conversation_id === id) ?? null;
}

export function reduceConsole(s: ConsoleState, a: ConsoleAction): ConsoleState {
  switch (a.type) {
    case 'me':
      return { ...s, me: a.me, blocked: null };
    case 'blocked':
      return { ...s, blocked: a.notice };
    case 'presence':
      return s.me?.agent ? { ...s, me: { ...s.me, agent: { ...s.me.agent, presence: a.presence } } } : s;
    case 'lists': {
      const next = { ...s, queues: a.queues ?? s.queues, offered: a.offered ?? s.offered, active: a.active ?? s.active };
      const sel = next.selected;
      const fresh = sel ? findConversation(next, sel.id) : null;
      return fresh && sel ? { ...next, selected: { ...sel, conversation: fresh } } : next;
    }
    case 'routing':
      return { ...s, routing: a.routing };
    case 'select': {
      if (a.id === null) return { ...s, selected: null, customer: null };
      if (s.selected?.id === a.id) return s;
      const unread = { ...s.unread };
      delete unread[a.id];
      return { ...s, unread, selected: { id: a.id, conversation: findConversation(s, a.id), messages: [], suggestions: [], loaded: false }, customer: null };
    }
    case 'detail': {
      if (s.selected?.id !== a.id) return s;
      let messages = s.selected.messages.filter((m) => m.pending);
      for (const m of a.detail.messages ?? []) messages = mergeMessage(messages, toEntry(m));
      return {
        ...s,
        selected: {
          ...s.selected,
          conversation: a.detail.conversation ?? s.selected.conversation,
          messages,
          suggestions: a.detail.suggestions?.length ? a.detail.suggestions : s.selected.suggestions,
          loaded: true,
          ...(a.detail.handoff ? { handoff: a.detail.handoff } : {}),
        },
      };
    }
    case 'suggestions':
      return s.selected?.id === a.id ? { ...s, selected: { ...s.selected, suggestions: a.suggestions } } : s;
    case 'customer': {
      const base: CustomerPanel = s.customer?.id === a.id ? s.customer : { id: a.id, profile: null, timeline: null, error: null };
      return {
        ...s,
        customer: {
          id: a.id,
          profile: a.profile !== undefined ? a.profile : base.profile,
          timeline: a.timeline !== undefined ? a.timeline : base.timeline,
          error: a.error !== undefined ? a.error : base.error,
        },
      };
    }
    case 'message': {
      const id = a.message.conversation_id;
      if (s.selected?.id === id) return { ...s, selected: { ...s.selected, messages: mergeMessage(s.selected.messages, toEntry(a.message)) } };
      if (a.message.direction !== 'in') return s;
      return { ...s, unread: { ...s.unread, [id]: (s.unread[id] ?? 0) + 1 } };
    }
    case 'sending': {
      if (s.selected?.id !== a.conversationId) return s;
      const line: ChatEntry = {
        at: a.at,
        direction: 'out',
        channel: s.selected.conversation?.channel ?? '',
        text: a.text,
        agent_id: a.agentId,
        pending: a.clientMsgId,
      };
      return { ...s, selected: { ...s.selected, messages: [...s.selected.messages, line] } };
    }
    case 'sendFailed': {
      if (s.selected?.id !== a.conversationId) return s;
      const messages = s.selected.messages.map((m) => (m.pending === a.clientMsgId ? { ...m, failed: true } : m));
      return { ...s, selected: { ...s.selected, messages } };
    }
    case 'status': {
      // accept / transfer / close answered: move the conversation between lists without waiting for a reload
      const conv = findConversation(s, a.conversationId) ?? (s.selected?.id === a.conversationId ? s.selected.conversation : null);
      const updated = conv ? { ...conv, status: a.status, agent_id: a.agentId !== undefined ? a.agentId : conv.agent_id } : null;
      const mine = a.status === 'active' && updated && (a.agentId === undefined || a.agentId === s.me?.agent?.id);
      const next = {
        ...s,
        offered: without(s.offered, a.conversationId),
        active: mine && updated ? [...without(s.active, a.conversationId), updated] : without(s.active, a.conversationId),
        queues: s.queues.map((q) => ({ ...q, items: q.items.filter((i) => i.conversation_id !== a.conversationId) })),
      };
      if (next.selected?.id === a.conversationId && updated) next.selected = { ...next.selected, conversation: updated };
      return next;
    }
    case 'notice':
      return { ...s, notice: a.notice };
    case 'search':
      return { ...s, search: a.search };
    case 'live':
      return { ...s, live: a.status };
  }
}

/** Whole seconds left until `acceptBy` (never negative), or null when there is no deadline. */
export function secondsLeft(acceptBy: number | string | null | undefined, now: number): number | null {
  const ms = toMs(acceptBy);
  return ms === null ? null : Math.max(0, Math.ceil((ms - now) / 1000));
}

/** `m:ss` for a countdown. */
export function formatCountdown(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** Managers and admins see team views and may change queue policies. */
export function isManager(me: Me | null): boolean {
  return me?.role === 'manager' || me?.role === 'admin' || me?.agent?.role === 'manager';
}

/** The agent id replies are sent as: the signed-in agent, or (an admin without a roster entry) the role name. */
export function replyAgentId(me: Me | null): string {
  return me?.agent?.id ?? me?.role ?? 'console';
}

/**
 * The selected conversation accepts replies, transfer and close only while it is active and held by me; managers
 * (and admins) may also act on their team's conversations.
 */
export function canAct(s: ConsoleState): boolean {
  const c = s.selected?.conversation;
  if (c?.status !== 'active') return false;
  return isManager(s.me) || !c.agent_id || c.agent_id === s.me?.agent?.id;
}

/** Groups and agents a conversation can be transferred to (what this key can see), without duplicates, sorted. */
export function transferTargets(s: ConsoleState): { groups: string[]; agents: string[] } {
  const groups = new Set<string>([...(s.me?.agent?.groups ?? []), ...s.queues.map((q) => q.group), ...(s.routing?.queues.map((q) => q.group) ?? [])]);
  const agents = new Set<string>((s.routing?.agents ?? []).map((a) => a.id));
  if (s.me?.agent) agents.delete(s.me.agent.id);
  return { groups: [...groups].sort(), agents: [...agents].sort() };
}

/** Validates the close form: a deal needs a value ≥ 0; other outcomes send none. */
export function closeRequest(outcome: Outcome, valueText: string): { ok: true; outcome: Outcome; value?: number } | { ok: false; key: string } {
  if (outcome !== 'deal') return { ok: true, outcome };
  const text = valueText.trim();
  const value = Number(text);
  if (text === '' || !Number.isFinite(value) || value < 0) return { ok: false, key: 'console.close.valueRequired' };
  return { ok: true, outcome, value };
}

/** Validates the transfer form: exactly one target, trimmed. */
export function transferRequest(
  kind: 'agent' | 'group',
  target: string,
  note: string,
): { ok: true; body: { to_agent?: string; to_group?: string; note?: string } } | { ok: false; key: string } {
  const t = target.trim();
  if (!t) return { ok: false, key: 'console.transfer.targetRequired' };
  const body = kind === 'agent' ? { to_agent: t } : { to_group: t };
  return { ok: true, body: note.trim() ? { ...body, note: note.trim() } : body };
}

/** A client message id matching the API's pattern `[A-Za-z0-9_.:-]{1,64}`. */
export function newClientMsgId(now: number, random: () => number): string {
  return `c${now.toString(36)}${Math.floor(random() * 36 ** 6)
    .toString(36)
    .padStart(6, '0')}`;
}
