import type { LocalTx } from '../../shared/ports/state-store.js';
import type { CustomerTag } from './model.js';

/**
 * StateStore layout of persisted routing (issue 5). Everything that decides
 * who holds a conversation lives in these keys and changes only inside the
 * atomic scripts of queue-scripts*.ts:
 * - `rt:q:<group>`: the queue, a hash conversationId → sortKey (order = sortKey ascending;
 *   the scripts touch one field, so a step costs the same whatever the queue length).
 * - `rt:cs:<id>`: the conversation's routing state (hash): status
 *   (queued | offered | active | closed), group, agent, load_ch (which load
 *   counter its slot is on), sort, enq, off, by (accept by), asg_at, n
 *   (assignments so far), declined (agents an offer timed out on), esc.
 * - `rt:asg:<id>`: the agent holding the conversation; `rt:load:<agent>:<channel>`: an agent's open
 *   conversations on the load counter its capacity is on (`*` = all channels).
 * - `rt:open`: hash id → `agent|status|acceptBy` of every offered or active conversation.
 */
export const queueKey = (group: string) => `rt:q:${group}`;
export const convStateKey = (id: string) => `rt:cs:${id}`;
export const OPEN_KEY = 'rt:open';
export const assignmentKey = (conversationId: string) => `rt:asg:${conversationId}`;
export const agentLoadKey = (agentId: string, channel: string) => `rt:load:${agentId}:${channel}`;
/** Runtime policy of a queue (contract: read at every decision). */
export const policyKey = (group: string) => `rt:policy:${group}`;
export const presenceKey = (agentId: string) => `rt:presence:${agentId}`;

export type QueueEntry = [sortKey: string, id: string];
export type OpenEntry = [agent: string, status: 'offered' | 'active', acceptBy: number];

const TAG_RANK: Record<CustomerTag, number> = { VIP: 0, high_value: 1, normal: 2 };
const MAX_PRIORITY = 999_999;
const pad = (n: number, w: number) => String(Math.max(0, Math.floor(n))).padStart(w, '0');

export interface SortFields {
  tag: CustomerTag;
  priority: number;
  slaDueAt?: number | null;
  enqueuedAt: number;
  id: string;
  /** Back at the head: an offer that timed out or a transfer to a group. */
  head?: boolean;
}

/**
 * A byte-comparable key with the `compareQueued` order (tag, priority
 * descending, SLA due, enqueue time, id), so Lua and JS agree by plain string
 * comparison. Only ASCII digits and hex: Redis compares Lua strings with
 * strcoll, and digits/hex order the same in every locale.
 */
export function sortKey(f: SortFields): string {
  const prio = Math.min(MAX_PRIORITY, Math.max(0, Math.round(f.priority)));
  const due = f.slaDueAt === null || f.slaDueAt === undefined ? 9_999_999_999_999 : f.slaDueAt;
  return `${f.head ? 0 : 1}${TAG_RANK[f.tag]}${pad(MAX_PRIORITY - prio, 6)}${pad(due, 13)}${pad(f.enqueuedAt, 13)}${Buffer.from(f.id).toString('hex')}`;
}

/** The enqueue time a sort key carries (epoch ms). */
export const enqueuedAtOf = (key: string): number => Number(key.slice(21, 34));

/** Lua helpers shared by the queue scripts (prepended to each). */
export const LUA_PRELUDE = `
local function release(asgKey, loadKey)
  redis.call('DEL', asgKey)
  local load = tonumber(redis.call('GET', loadKey) or '0')
  if load > 0 then redis.call('DECR', loadKey) end
end
`;

/** An `rt:open` field value: `agent|status|acceptBy` (roster ids never hold '|'). */
export const openValue = (agent: string, status: string, acceptBy: number | string) => `${agent}|${status}|${acceptBy}`;

/** The same helpers over the embedded store's synchronous transaction. */
export const local = {
  release(tx: LocalTx, asgKey: string, loadKey: string): void {
    tx.del(asgKey);
    if (Number(tx.get(loadKey) ?? 0) > 0) tx.incrBy(loadKey, -1);
  },
};

/** A queue hash (`id → sortKey`) in queue order. */
export const parseQueue = (h: Record<string, string>): QueueEntry[] =>
  Object.entries(h)
    .map(([id, sk]): QueueEntry => [sk, id])
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));

/** The `rt:open` hash as entries. */
export const parseOpen = (h: Record<string, string>): Record<string, OpenEntry> => {
  const out: Record<string, OpenEntry> = {};
  for (const [id, v] of Object.entries(h)) {
    const [agent, status, by] = v.split('|');
    out[id] = [agent, status as OpenEntry[1], Number(by)];
  }
  return out;
};
