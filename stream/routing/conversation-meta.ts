import type { CustomerInput, EventEnvelope } from '../../shared/envelope.js';
import type { StateStore } from '../../shared/ports/state-store.js';
import type { CustomerTag } from './model.js';

/** What the console shows about a conversation beside its routing state (`rt:meta:<id>`, with a TTL). */
export interface ConversationMeta {
  id: string;
  customer: CustomerInput;
  customerKey: string;
  channel: string;
  tag: CustomerTag;
  source: string;
  intent: string;
  priority: number;
  slaDueAt: number | null;
  startedAt: number;
  preview: string;
  /** Agent who served this customer last (sticky routing). */
  previousAgentId?: string;
  messages: ConsoleMessage[];
}

export interface ConsoleMessage {
  /** Event id, so a replayed event is kept once. */
  id: string;
  at: number;
  direction: 'in' | 'out';
  channel: string;
  text: string;
  agent_id: string | null;
}

export const metaKey = (id: string) => `rt:meta:${id}`;
const lastAgentKey = (customerKey: string) => `rt:last:${customerKey}`;
/** Messages kept per conversation for the console (the warehouse keeps them all). */
const KEEP_MESSAGES = 50;
const PREVIEW_CHARS = 140;

const TAGS: readonly string[] = ['VIP', 'high_value', 'normal'];
export function tagOf(e: EventEnvelope): CustomerTag {
  const t = e.properties.tag;
  return typeof t === 'string' && TAGS.includes(t) ? (t as CustomerTag) : 'normal';
}
/** The message text of an event (`properties.text`, or `message`/`body` from some channels). */
export function textOf(e: EventEnvelope): string {
  for (const k of ['text', 'message', 'body']) {
    const v = e.properties[k];
    if (typeof v === 'string') return v;
  }
  return '';
}

/** Reads and writes conversation meta; not atomic (display data, last writer wins). */
export class MetaStore {
  constructor(
    private readonly state: StateStore,
    private readonly ttlMs: number,
  ) {}

  async get(id: string): Promise<ConversationMeta | null> {
    const raw = await this.state.get(metaKey(id));
    return raw ? (JSON.parse(raw) as ConversationMeta) : null;
  }

  async getMany(ids: string[]): Promise<Array<ConversationMeta | null>> {
    if (ids.length === 0) return [];
    return (await this.state.getMany(ids.map(metaKey))).map((r) => (r ? (JSON.parse(r) as ConversationMeta) : null));
  }

  put(m: ConversationMeta): Promise<void> {
    return this.state.set(metaKey(m.id), JSON.stringify(m), this.ttlMs);
  }

  /** Appends a message once (by event id); returns false when it was already there. */
  async addMessage(id: string, msg: ConsoleMessage): Promise<boolean> {
    const m = await this.get(id);
    if (!m || m.messages.some((x) => x.id === msg.id)) return false;
    m.messages = [...m.messages, msg].sort((a, b) => a.at - b.at).slice(-KEEP_MESSAGES);
    if (msg.direction === 'in' && msg.text) m.preview = msg.text.slice(0, PREVIEW_CHARS);
    await this.put(m);
    return true;
  }

  previousAgent(customerKey: string): Promise<string | null> {
    return this.state.get(lastAgentKey(customerKey));
  }

  rememberAgent(customerKey: string, agentId: string): Promise<void> {
    return this.state.set(lastAgentKey(customerKey), agentId, this.ttlMs);
  }
}

export const previewOf = (text: string) => text.slice(0, PREVIEW_CHARS);
