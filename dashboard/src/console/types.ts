/**
 * Shapes of the agent-console HTTP contract (`/work/helpers/routing-contract.md`, issue 5) as the UI reads them.
 * Times may arrive as epoch ms or ISO strings; `toMs` normalises both so the rest of the console deals in numbers.
 */

export type Presence = 'online' | 'away' | 'offline';
export const PRESENCES: readonly Presence[] = ['online', 'away', 'offline'];

export type Outcome = 'opportunity' | 'deal' | 'lost' | 'resolved';
export const OUTCOMES: readonly Outcome[] = ['opportunity', 'deal', 'lost', 'resolved'];

export const POLICIES = ['skill_match', 'least_loaded', 'round_robin', 'sticky', 'rules', 'predictive'] as const;
export type Policy = (typeof POLICIES)[number];

export interface ConsoleAgent {
  id: string;
  name: string;
  role: 'agent' | 'manager';
  team: string;
  groups: string[];
  manages: string[];
  presence: Presence;
  capacity: Record<string, number>;
}

export interface Me {
  agent: ConsoleAgent | null;
  /** the key's role: agent, manager or admin */
  role: string;
}

export interface QueueItem {
  conversation_id: string;
  customer_id: string;
  channel: string;
  tag: string;
  intent: string;
  priority: number;
  enqueued_at: number | string;
  sla_due_at: number | string | null;
  wait_ms: number;
  breach_predicted: boolean;
  preview: string;
}

export interface ConsoleQueue {
  group: string;
  policy: string;
  length: number;
  items: QueueItem[];
}

export type ConversationStatus = 'queued' | 'offered' | 'active' | 'closed';

export interface ConsoleConversation {
  conversation_id: string;
  customer_id: string;
  agent_id: string | null;
  status: ConversationStatus | (string & {}); // `& {}` keeps the known names while a newer server may send others
  channel: string;
  tag: string;
  intent: string;
  group: string;
  offered_at: number | string | null;
  accept_by: number | string | null;
  assigned_at: number | string | null;
  preview: string;
}

export interface ChatMessage {
  /** `producer/event id` (server messages; absent on older servers). */
  id?: string;
  /** An FAQ-bot answer (agents may mark it wrong). */
  bot?: boolean;
  at: number | string;
  direction: 'in' | 'out';
  channel: string;
  text: string;
  agent_id: string | null;
}

/** A suggested reply: the AI issue may send plain strings or objects with a text. */
export type Suggestion = string | { text: string; [k: string]: unknown };

export interface ConversationDetail {
  conversation: ConsoleConversation;
  customer_id: string;
  messages: ChatMessage[];
  suggestions: Suggestion[];
}

/** `/v1/console/live` message payload. */
export interface LiveMessage extends ChatMessage {
  conversation_id: string;
}

/** `GET /v1/customers/{id}` (the parts the console shows). */
export interface CustomerProfile {
  id: string;
  external_id: string | null;
  identifiers: string[];
  tag: string;
  tags: Array<{ tag: string; events: number; last_at: string }>;
  crm: {
    status: 'ok' | 'not_found' | 'unavailable';
    fields: Record<string, unknown>;
    orders: Array<{ id: string; placed_at: string; status: string; total: number; currency: string; items: string[] }>;
    /** Absent from an older API. */
    opportunities?: CrmOpportunity[];
  };
}

/** An opportunity as the CRM keeps it (`POST /v1/conversations/{id}/opportunity`, `crm.opportunities`). */
export interface CrmOpportunity {
  id: string;
  conversation_id: string;
  stage: string;
  value?: number;
  currency?: string;
  product?: string;
  intent: string;
  owner_agent?: string;
}

export interface TimelineEvent {
  id: string;
  type: string;
  channel: string;
  occurred_at: string;
  conversation_id: string | null;
  agent_id: string | null;
  properties: Record<string, unknown>;
}

/** `GET /v1/routing/queues` (managers). */
export interface RoutingOverview {
  queues: Array<{ group: string; policy: string; length: number; oldest_wait_ms: number }>;
  agents: Array<{ id: string; team: string; presence: string; open: number; capacity: number }>;
}

/** Epoch ms of a time given as a number or a date string; null when absent or unreadable. */
export function toMs(t: number | string | null | undefined): number | null {
  if (t === null || t === undefined || t === '') return null;
  if (typeof t === 'number') return Number.isFinite(t) ? t : null;
  if (/^\d+$/.test(t)) return Number(t);
  const ms = Date.parse(t);
  return Number.isFinite(ms) ? ms : null;
}

/** `GET /v1/conversations/{id}/suggestions`: the top three scripts for the conversation now. */
export interface SuggestionsReply {
  context: { tag: string; stage: string; intent: string; lang: string };
  suggestions: Array<{ script_id: string; text: string; lang: string }>;
}

/** The script id of a suggestion from the suggestions API ('' for plain strings). */
export function suggestionScript(s: Suggestion): string {
  return typeof s === 'object' && s !== null && typeof s.script_id === 'string' ? s.script_id : '';
}

/** The text of a suggestion of either shape. */
export function suggestionText(s: Suggestion): string {
  return typeof s === 'string' ? s : typeof s?.text === 'string' ? s.text : '';
}
