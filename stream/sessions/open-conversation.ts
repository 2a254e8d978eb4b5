import { createHash } from 'node:crypto';
import type { AtomicScript, LocalTx } from '../../shared/ports/state-store.js';

/**
 * Which conversation a channel message without one belongs to (SMS, WhatsApp,
 * Messenger, WeChat). Decided at ingest, per customer id (the bus key) and
 * channel, in one atomic StateStore step, so two webhook deliveries racing for
 * one customer never open two conversations.
 *
 * Record `conv:open:<channel>|<customer>` = `<last event ms>|<conversation id>`.
 * A message joins that conversation when it came within `expiryMs` (event
 * time, like the session stage) of the last message and the conversation was
 * not closed (`conv:closed:<id>` exists: the console, routing or an ingested
 * `conversation.closed` set it). Otherwise it opens a conversation named after
 * its own event id, so a retried delivery finds its own conversation again
 * and emits the same `conversation.started` id (dedup keeps it once).
 */
export const OPEN_CONVERSATION_PREFIX = 'conv:open:';
export const CLOSED_CONVERSATION_PREFIX = 'conv:closed:';

/** The open-conversation record of a customer on a channel. */
export const openConversationKey = (channel: string, customerKey: string) => `${OPEN_CONVERSATION_PREFIX}${channel}|${customerKey}`;
/** The marker that a conversation was closed: the next message opens a new one. */
export const closedConversationKey = (conversationId: string) => `${CLOSED_CONVERSATION_PREFIX}${conversationId}`;

/** A deterministic conversation id for a message that opens one: `<channel>:<event id>` (hashed past 128 characters). */
export function conversationIdFor(channel: string, eventId: string): string {
  const id = `${channel}:${eventId}`;
  return id.length <= 128 ? id : `${channel}:h:${createHash('sha256').update(eventId).digest('hex')}`;
}

export interface OpenConversationRequest {
  channel: string;
  customerKey: string;
  eventId: string;
  /** Event time, epoch ms. */
  at: number;
}

export interface OpenConversationDecision {
  conversationId: string;
  /** True when this message opens the conversation (also on a retry of that same message). */
  started: boolean;
}

/** KEYS and ARGV for openConversationScript; requests are decided in order (one webhook may carry several). */
export function openConversationCall(reqs: OpenConversationRequest[], expiryMs: number): { keys: string[]; args: string[] } {
  const keys = [CLOSED_CONVERSATION_PREFIX, ...reqs.map((r) => openConversationKey(r.channel, r.customerKey))];
  // The record lives a minute past the window (store time), so an expired window is also gone from memory.
  const args = [String(expiryMs), String(expiryMs + 60_000), ...reqs.flatMap((r) => [conversationIdFor(r.channel, r.eventId), String(Math.trunc(r.at))])];
  return { keys, args };
}

// KEYS[1] only carries the store's key prefix for the closed markers (the conversation id is found inside).
// Times stay strings in the record: Lua's tostring would write 1.764e+12.
const LUA = `
local expiry, ttl = tonumber(ARGV[1]), tonumber(ARGV[2])
local out = {}
for i = 2, #KEYS do
  local cand, atS = ARGV[1 + (i - 1) * 2], ARGV[2 + (i - 1) * 2]
  local at = tonumber(atS)
  local v = redis.call('GET', KEYS[i])
  local conv, lastS = cand, atS
  local started = '1'
  if v then
    local sep = string.find(v, '|', 1, true)
    local prevAt, prev = tonumber(string.sub(v, 1, sep - 1)), string.sub(v, sep + 1)
    if prev == cand then
      if prevAt > at then lastS = string.sub(v, 1, sep - 1) end
    elseif redis.call('EXISTS', KEYS[1] .. prev) == 0 and at - prevAt <= expiry then
      conv, started = prev, '0'
      if prevAt > at then lastS = string.sub(v, 1, sep - 1) end
    end
  end
  redis.call('SET', KEYS[i], lastS .. '|' .. conv, 'PX', ttl)
  out[#out + 1] = conv
  out[#out + 1] = started
end
return out`;

/** The same decision in JavaScript, for the embedded store. */
function decideLocal(tx: LocalTx, keys: string[], args: string[]): OpenConversationDecision[] {
  const expiry = Number(args[0]);
  const ttl = Number(args[1]);
  const out: OpenConversationDecision[] = [];
  for (let i = 1; i < keys.length; i++) {
    const cand = args[2 * i];
    const atS = args[2 * i + 1];
    const at = Number(atS);
    const v = tx.get(keys[i]);
    let conv = cand;
    let lastS = atS;
    let started = true;
    if (v !== null) {
      const sep = v.indexOf('|');
      const prevS = v.slice(0, sep);
      const prev = v.slice(sep + 1);
      if (prev === cand) {
        if (Number(prevS) > at) lastS = prevS;
      } else if (!tx.exists(keys[0] + prev) && at - Number(prevS) <= expiry) {
        conv = prev;
        started = false;
        if (Number(prevS) > at) lastS = prevS;
      }
    }
    tx.set(keys[i], `${lastS}|${conv}`, ttl);
    out.push({ conversationId: conv, started });
  }
  return out;
}

/**
 * One atomic decision per request: join the open conversation or open one.
 * KEYS: [closed-marker prefix, open record per request]; ARGV: [expiryMs,
 * recordTtlMs, (candidate id, event ms) per request]. Build with
 * openConversationCall. Idempotent for a retried message (same decision).
 */
export const openConversationScript: AtomicScript<OpenConversationDecision[]> = {
  name: 'open_conversation',
  lua: LUA,
  local: decideLocal,
  decode: (raw) => {
    const a = raw as string[];
    const out: OpenConversationDecision[] = [];
    for (let i = 0; i < a.length; i += 2) out.push({ conversationId: String(a[i]), started: String(a[i + 1]) === '1' });
    return out;
  },
};
