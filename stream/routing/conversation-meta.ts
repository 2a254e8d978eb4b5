import type { CustomerInput, EventEnvelope } from '../../shared/envelope.js';
import type { StateStore } from '../../shared/ports/state-store.js';
import type { PersonalData } from '../../shared/privacy/personal-data.js';
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
  /** Set when the FAQ bot handed the conversation over (stream/bot/bot-responder.ts); `messages` is the transcript. */
  handoff?: { reason: string; intent: string; summary: string; at: number; event_id: string };
  messages: ConsoleMessage[];
}

export interface ConsoleMessage {
  /** Event id, so a replayed event is kept once. */
  id: string;
  at: number;
  direction: 'in' | 'out';
  channel: string;
  /** A preview of at most MESSAGE_CHARS characters (ending in … when cut); the full text is in the warehouse. */
  text: string;
  agent_id: string | null;
  /** An FAQ-bot answer (`properties.bot = true`); agents may mark it wrong (docs/ai.md). */
  bot?: boolean;
}

export const metaKey = (id: string) => `rt:meta:${id}`;
const lastAgentKey = (customerKey: string) => `rt:last:${customerKey}`;
/*
 * State holds what the console shows, never whole customer texts: every write of a conversation's meta
 * rewrites it, and the embedded journal keeps it; one 330k-character message 50 times over made a single
 * meta 16 MB. The warehouse `events` table keeps every message in full.
 */
/** Messages kept per conversation for the console. */
export const KEEP_MESSAGES = 50;
/** Characters kept of one message. */
export const MESSAGE_CHARS = 280;
/** UTF-8 bytes of message text kept per conversation: beyond it the oldest messages go first. */
export const MESSAGE_TEXT_BYTES = 16 * 1024;
const PREVIEW_CHARS = 140;

/** At most `max` characters of `text`, ending in … when cut, never splitting a surrogate pair. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${text.slice(0, end)}…`;
}

/**
 * The newest messages within KEEP_MESSAGES and MESSAGE_TEXT_BYTES, oldest
 * first, each clipped to MESSAGE_CHARS. Pure.
 */
export function boundMessages(messages: readonly ConsoleMessage[]): ConsoleMessage[] {
  const sorted = messages.map((m) => (m.text.length > MESSAGE_CHARS ? { ...m, text: clip(m.text, MESSAGE_CHARS) } : m)).sort((a, b) => a.at - b.at);
  const kept: ConsoleMessage[] = [];
  let bytes = 0;
  for (let i = sorted.length - 1; i >= 0 && kept.length < KEEP_MESSAGES; i--) {
    bytes += Buffer.byteLength(sorted[i].text);
    if (bytes > MESSAGE_TEXT_BYTES && kept.length > 0) break;
    kept.push(sorted[i]);
  }
  return kept.reverse();
}

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

/** Characters kept of the source a producer stated (a campaign name, not a document). */
const SOURCE_CHARS = 200;

/** A meta with every text it carries bounded: preview, stated source, messages. Pure. */
export function boundMeta(m: ConversationMeta): ConversationMeta {
  const fits =
    m.preview.length <= PREVIEW_CHARS &&
    m.source.length <= SOURCE_CHARS &&
    m.messages.length <= KEEP_MESSAGES &&
    m.messages.every((x) => x.text.length <= MESSAGE_CHARS);
  if (fits && m.messages.reduce((n, x) => n + x.text.length, 0) * 3 <= MESSAGE_TEXT_BYTES) return m;
  return { ...m, preview: clip(m.preview, PREVIEW_CHARS), source: clip(m.source, SOURCE_CHARS), messages: boundMessages(m.messages) };
}

/** A meta as stored: with sealing on, its personal part is the one sealed value `pd` (the fields are blank). */
type StoredMeta = ConversationMeta & { pd?: string };

interface SealedMetaPart {
  customer: CustomerInput;
  preview: string;
  texts: string[];
  summary?: string;
}

/** Reads and writes conversation meta; not atomic (display data, last writer wins). */
export class MetaStore {
  /** The write in flight per conversation (put). */
  private readonly writing = new Map<string, Promise<void>>();

  /** `personal`: seals the meta's personal part (customer, preview, message texts, hand-off summary) in the store. */
  constructor(
    private readonly state: StateStore,
    private readonly ttlMs: number,
    private readonly personal?: Pick<PersonalData, 'seal' | 'open'>,
  ) {}

  async get(id: string): Promise<ConversationMeta | null> {
    const raw = await this.state.get(metaKey(id));
    return raw ? this.decode(raw) : null;
  }

  async getMany(ids: string[]): Promise<Array<ConversationMeta | null>> {
    if (ids.length === 0) return [];
    return Promise.all((await this.state.getMany(ids.map(metaKey))).map(async (r) => (r ? this.decode(r) : null)));
  }

  /**
   * Writes a meta, bounded (boundMeta) whoever built it. Writers read, change and write back (the router, the desk,
   * the bot, console routes): the transcript is merged with what is stored by message id, and writes of one
   * conversation in this process go one after another, so a message added meanwhile is never written away.
   */
  put(m: ConversationMeta): Promise<void> {
    const next = (this.writing.get(m.id) ?? Promise.resolve()).then(() => this.write(m));
    const tail = next.catch(() => undefined);
    this.writing.set(m.id, tail);
    void tail.then(() => {
      if (this.writing.get(m.id) === tail) this.writing.delete(m.id);
    });
    return next;
  }

  private async write(m: ConversationMeta): Promise<void> {
    const raw = await this.state.get(metaKey(m.id));
    const parsed = raw ? (JSON.parse(raw) as StoredMeta) : null;
    const stored = parsed ? await this.opened(parsed) : null;
    const known = new Set(m.messages.map((x) => x.id));
    const messages = stored ? [...m.messages, ...stored.messages.filter((x) => !known.has(x.id))] : m.messages;
    await this.state.set(metaKey(m.id), await this.encode(boundMeta({ ...m, messages: boundMessages(messages) }), parsed?.pd), this.ttlMs);
  }

  /**
   * One sealed value per meta (one AES operation per write, not one per message), owned by the customer; a write
   * that changes no personal part (intent, priority, the agent) keeps the stored value (`storedPd`, see seal).
   */
  private async encode(m: ConversationMeta, storedPd?: string): Promise<string> {
    if (!this.personal) return JSON.stringify(m);
    const secret: SealedMetaPart = { customer: m.customer, preview: m.preview, texts: m.messages.map((x) => x.text), summary: m.handoff?.summary };
    const pd = await this.personal.seal(m.customerKey, 'routing.meta', JSON.stringify(secret), storedPd);
    const bare = { ...m, customer: {}, preview: '', messages: m.messages.map((x) => ({ ...x, text: '' })), pd };
    if (m.handoff) bare.handoff = { ...m.handoff, summary: '' };
    return JSON.stringify(bare);
  }

  private decode(raw: string): Promise<ConversationMeta> {
    return this.opened(JSON.parse(raw) as StoredMeta);
  }

  private async opened({ pd, ...m }: StoredMeta): Promise<ConversationMeta> {
    if (pd === undefined || !this.personal) return m;
    // Each message reads the meta back before it writes it: PersonalData keeps what it sealed a moment ago, so the
    // read costs no AES operation.
    const text = await this.personal.open(m.customerKey, 'routing.meta', pd);
    if (text === null) return m; // erased: the meta shows no personal data
    const s = JSON.parse(text) as SealedMetaPart;
    return {
      ...m,
      customer: s.customer,
      preview: s.preview,
      messages: m.messages.map((x, i) => ({ ...x, text: s.texts[i] ?? '' })),
      ...(m.handoff ? { handoff: { ...m.handoff, summary: s.summary ?? '' } } : {}),
    };
  }

  /**
   * Appends a message once (by event id), keeping a preview of its text
   * (boundMessages); returns false when it was already there.
   */
  async addMessage(id: string, msg: ConsoleMessage): Promise<boolean> {
    const m = await this.get(id);
    if (!m || m.messages.some((x) => x.id === msg.id)) return false;
    // Metas written before the bound existed are bounded on their next message (put bounds the rest).
    m.messages = boundMessages([...m.messages, msg]);
    if (msg.direction === 'in' && msg.text) m.preview = previewOf(msg.text);
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

/** The one-line preview of a conversation's latest customer message. */
export const previewOf = (text: string) => clip(text, PREVIEW_CHARS);
