import type { Clock } from '../../../shared/clock.js';
import type { AtomicScript, StateStore } from '../../../shared/ports/state-store.js';
import { conversationOwner, type PersonalData } from '../../../shared/privacy/personal-data.js';
import type { ChatMessage } from './protocol.js';

/**
 * Keys of one conversation. The `{…}` hash tag keeps both in one Redis Cluster
 * slot so the append script may touch both.
 * meta (hash): visitor_id, site_key, created_at, seq (last seq), first (idem key
 *   of the first visitor message), read_visitor, read_agent, email, phone.
 *   Lives `conversationTtlMs` after the last activity; seq never restarts while it lives.
 * log (hash): m:<seq> → message JSON without seq; i:<idem> → seq. Lives
 *   `replayMs` after the last append; replay also drops messages older than replayMs.
 */
export const metaKey = (conversationId: string) => `wc:{${conversationId}}:meta`;
export const logKey = (conversationId: string) => `wc:{${conversationId}}:log`;

export interface AppendResult {
  /** Seq of the message; -1 when the conversation does not exist (or expired). */
  seq: number;
  /** False when the idempotency key was already appended (a resend): seq is the original one. */
  created: boolean;
  /** True when this is the conversation's first visitor message (stable across resends). */
  first: boolean;
}

/**
 * Appends one message to a conversation's log, idempotent by key.
 * KEYS: [meta, log]. ARGV: [idemKey, messageJson, logTtlMs, metaTtlMs, isVisitor '1'|'0'].
 * Returns [seq, created 0|1, first 0|1]; seq -1 when meta is absent.
 */
export const appendMessageScript: AtomicScript<AppendResult> = {
  name: 'webchat_append',
  lua: `
if redis.call('EXISTS', KEYS[1]) == 0 then return {-1, 0, 0} end
local idem = 'i:' .. ARGV[1]
local have = redis.call('HGET', KEYS[2], idem)
local first = 0
if ARGV[5] == '1' then
  local f = redis.call('HGET', KEYS[1], 'first')
  if not f then redis.call('HSET', KEYS[1], 'first', ARGV[1]); f = ARGV[1] end
  if f == ARGV[1] then first = 1 end
end
if have then return {tonumber(have), 0, first} end
local seq = redis.call('HINCRBY', KEYS[1], 'seq', 1)
redis.call('HSET', KEYS[2], idem, tostring(seq), 'm:' .. seq, ARGV[2])
redis.call('PEXPIRE', KEYS[2], tonumber(ARGV[3]))
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[4]))
return {seq, 1, first}`,
  local(tx, keys, args) {
    const [meta, log] = keys;
    const [idemKey, json, logTtl, metaTtl, visitor] = args;
    if (!tx.exists(meta)) return { seq: -1, created: false, first: false };
    const have = tx.hget(log, `i:${idemKey}`);
    let first = false;
    if (visitor === '1') {
      let f = tx.hget(meta, 'first');
      if (f === null) {
        tx.hset(meta, { first: idemKey });
        f = idemKey;
      }
      first = f === idemKey;
    }
    if (have !== null) return { seq: Number(have), created: false, first };
    const seq = tx.hincrBy(meta, 'seq', 1);
    tx.hset(log, { [`i:${idemKey}`]: String(seq), [`m:${seq}`]: json });
    tx.pexpire(log, Number(logTtl));
    tx.pexpire(meta, Number(metaTtl));
    return { seq, created: true, first };
  },
  decode(raw) {
    const [seq, created, first] = (raw as Array<number | string>).map(Number);
    return { seq, created: created === 1, first: first === 1 };
  },
};

/**
 * Messages of a log hash after `lastSeq`, oldest first, without those stored
 * before `notBefore` (epoch ms). Pure.
 */
export function messagesAfter(log: Record<string, string>, lastSeq: number, notBefore: number): ChatMessage[] {
  const out: ChatMessage[] = [];
  for (const [field, json] of Object.entries(log)) {
    if (!field.startsWith('m:')) continue;
    const seq = Number(field.slice(2));
    if (!(seq > lastSeq)) continue;
    const m = JSON.parse(json) as Omit<ChatMessage, 'seq'>;
    if (m.at < notBefore) continue;
    out.push({ seq, ...m });
  }
  return out.sort((a, b) => a.seq - b.seq);
}

export interface ConversationMeta {
  id: string;
  visitor_id: string;
  site_key: string;
  created_at: number;
  seq: number;
  read_visitor: number;
  read_agent: number;
  email?: string;
  phone?: string;
}

export interface ConversationLogOptions {
  state: StateStore;
  clock: Clock;
  /** How long messages are kept for replay, ms. */
  replayMs: number;
  /** How long a conversation lives after its last activity, ms (≥ replayMs). */
  conversationTtlMs: number;
  /**
   * Seals the replay buffer's messages and the visitor's contact under the conversation's own data key
   * (`conversationOwner`), which an erasure of the customer destroys with the conversation (docs/privacy.md).
   */
  personal?: Pick<PersonalData, 'seal' | 'open'>;
}

/** The StateStore-backed conversations of web chat: metadata, seq, replay buffer. */
export class ConversationLog {
  constructor(private readonly o: ConversationLogOptions) {}

  private get metaTtl(): number {
    return Math.max(this.o.conversationTtlMs, this.o.replayMs);
  }

  async create(id: string, visitorId: string, siteKey: string): Promise<ConversationMeta> {
    const now = this.o.clock.now();
    await this.o.state.hset(metaKey(id), { visitor_id: visitorId, site_key: siteKey, created_at: String(now), seq: '0' });
    await this.o.state.expire(metaKey(id), this.metaTtl);
    return { id, visitor_id: visitorId, site_key: siteKey, created_at: now, seq: 0, read_visitor: 0, read_agent: 0 };
  }

  async get(id: string): Promise<ConversationMeta | null> {
    const h = await this.o.state.hgetall(metaKey(id));
    if (!h.visitor_id) return null;
    const email = h.email ? await this.open(id, 'webchat.email', h.email) : null;
    const phone = h.phone ? await this.open(id, 'webchat.phone', h.phone) : null;
    return {
      id,
      visitor_id: h.visitor_id,
      site_key: h.site_key,
      created_at: Number(h.created_at),
      seq: Number(h.seq ?? 0),
      read_visitor: Number(h.read_visitor ?? 0),
      read_agent: Number(h.read_agent ?? 0),
      ...(email ? { email } : {}),
      ...(phone ? { phone } : {}),
    };
  }

  private seal(id: string, field: string, value: string): Promise<string> {
    return this.o.personal ? this.o.personal.seal(conversationOwner(id), field, value) : Promise.resolve(value);
  }

  private async open(id: string, field: string, value: string): Promise<string | null> {
    return this.o.personal ? this.o.personal.open(conversationOwner(id), field, value) : value;
  }

  /** Appends idempotently; `idemKey` is `v:<client_msg_id>` for visitors, `a:<outbound id>` for agents. */
  async append(id: string, idemKey: string, msg: Omit<ChatMessage, 'seq'>): Promise<AppendResult> {
    const ttl = String(this.o.replayMs);
    return this.o.state.atomic(
      appendMessageScript,
      [metaKey(id), logKey(id)],
      [idemKey, await this.seal(id, 'webchat.message', JSON.stringify(msg)), ttl, String(this.metaTtl), msg.from === 'visitor' ? '1' : '0'],
    );
  }

  /** Retained messages after lastSeq, oldest first (a message whose key was destroyed is left out). */
  async after(id: string, lastSeq: number): Promise<ChatMessage[]> {
    const log = await this.o.state.hgetall(logKey(id));
    const opened: Record<string, string> = {};
    for (const [field, value] of Object.entries(log)) {
      if (!field.startsWith('m:') || !(Number(field.slice(2)) > lastSeq)) continue;
      const json = await this.open(id, 'webchat.message', value);
      if (json !== null) opened[field] = json;
    }
    return messagesAfter(opened, lastSeq, this.o.clock.now() - this.o.replayMs);
  }

  /** Records how far a side has read; never moves backwards, never beyond the last seq. */
  async markRead(id: string, side: 'visitor' | 'agent', seq: number): Promise<number> {
    const m = await this.get(id);
    if (!m) return 0;
    const field = side === 'visitor' ? 'read_visitor' : 'read_agent';
    const next = Math.min(m.seq, Math.max(seq, side === 'visitor' ? m.read_visitor : m.read_agent));
    await this.o.state.hset(metaKey(id), { [field]: String(next) });
    return next;
  }

  async setContact(id: string, contact: { email?: string; phone?: string }): Promise<void> {
    const fields: Record<string, string> = {};
    if (contact.email) fields.email = await this.seal(id, 'webchat.email', contact.email);
    if (contact.phone) fields.phone = await this.seal(id, 'webchat.phone', contact.phone);
    if (Object.keys(fields).length > 0) await this.o.state.hset(metaKey(id), fields);
  }
}
