import { createHash } from 'node:crypto';
import type { StateStore } from '../../../shared/ports/state-store.js';

/** Header block (CRLF or LF, folded lines allowed) to lower-cased name → first value. */
export function parseHeaderBlock(raw: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = raw
    .replace(/\r\n/g, '\n')
    .replace(/\n[ \t]+/g, ' ')
    .split('\n');
  for (const line of lines) {
    const i = line.indexOf(':');
    if (i <= 0) continue;
    const name = line.slice(0, i).trim().toLowerCase();
    if (!(name in out)) out[name] = line.slice(i + 1).trim();
  }
  return out;
}

/** The `<id>` tokens of a Message-ID, In-Reply-To or References value, in order. */
export function messageIds(v: string | undefined): string[] {
  if (!v) return [];
  const ids = v.match(/<[^<>\s]+>/g);
  return ids ?? (v.trim() ? [`<${v.trim().replace(/^<|>$/g, '')}>`] : []);
}

const mapKey = (id: string) => `chan:email:msgid:${createHash('sha1').update(id.toLowerCase()).digest('hex')}`;

/** A conversation id from a Message-ID: `email:<id without brackets>`, hashed when long. */
export function conversationFor(messageId: string): string {
  const bare = messageId.replace(/^<|>$/g, '');
  const id = `email:${bare}`;
  return id.length <= 128 ? id : `email:h:${createHash('sha256').update(bare).digest('hex')}`;
}

export interface Thread {
  conversationId: string;
  /** True when no earlier message of the thread was known: this one opens the conversation. */
  isNew: boolean;
}

/**
 * Finds the conversation of an email through the StateStore mapping
 * message-id → conversation id (kept `ttlMs`): In-Reply-To first, then
 * References from newest to oldest. Unknown threads are named by their root
 * (the first References id, else In-Reply-To, else the message's own id), so
 * the first message's Message-ID names the conversation. Records this
 * message's id for later replies.
 */
export async function threadEmail(state: StateStore, ttlMs: number, h: { messageId: string; inReplyTo: string[]; references: string[] }): Promise<Thread> {
  const candidates = [...h.inReplyTo, ...[...h.references].reverse()];
  let conversationId: string | null = null;
  if (candidates.length > 0) {
    const found = await state.getMany(candidates.map(mapKey));
    conversationId = found.find((v): v is string => v !== null) ?? null;
  }
  const known = (await state.get(mapKey(h.messageId))) !== null;
  const isNew = conversationId === null && !known;
  conversationId ??= (await state.get(mapKey(h.messageId))) ?? conversationFor(h.references[0] ?? h.inReplyTo[0] ?? h.messageId);
  await state.set(mapKey(h.messageId), conversationId, ttlMs);
  return { conversationId, isNew };
}
