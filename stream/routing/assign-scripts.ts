import type { AtomicScript } from '../../shared/ports/state-store.js';

/** Where a conversation's assignment (the agent id) lives. */
export const assignmentKey = (conversationId: string) => `rt:asg:${conversationId}`;
/** An agent's open-conversation count on one channel (capacity is per channel). */
export const agentLoadKey = (agentId: string, channel: string) => `rt:load:${agentId}:${channel}`;

export type AssignResult =
  | { status: 'assigned'; agentId: string; load: number }
  | { status: 'existing'; agentId: string }
  | { status: 'no_capacity' };

export type ReleaseResult =
  | { status: 'released'; load: number }
  | { status: 'not_assigned' }
  | { status: 'other_agent'; agentId: string };

export interface RankedCandidate {
  agentId: string;
  capacity: number;
}

/**
 * Assigns a conversation to the first ranked candidate still under capacity,
 * in one atomic step. A conversation already assigned keeps its agent (the
 * answer is `existing`, nothing changes), so retries and racing workers never
 * assign it twice and never take two slots.
 *
 * keys: [assignmentKey(conversation), agentLoadKey(candidate 1, channel), …]
 * args: [conversationId, ttlMs (0 = no expiry), agentId 1, capacity 1, …]
 * (build both with `assignCall`). The ttl bounds a forgotten assignment's
 * life; it must outlast any real conversation, because an expired record
 * no longer guards against a second assignment and its slot is not freed.
 */
export const assignConversationScript: AtomicScript<AssignResult> = {
  name: 'route_assign',
  lua: `
local cur = redis.call('GET', KEYS[1])
if cur then return {1, cur, -1} end
local ttl = tonumber(ARGV[2])
for i = 2, #KEYS do
  local agent = ARGV[2 * i - 1]
  local cap = tonumber(ARGV[2 * i])
  local load = tonumber(redis.call('GET', KEYS[i]) or '0')
  if load < cap then
    local n = redis.call('INCR', KEYS[i])
    if ttl > 0 then redis.call('SET', KEYS[1], agent, 'PX', ttl) else redis.call('SET', KEYS[1], agent) end
    return {0, agent, n}
  end
end
return {2, '', -1}`,
  local(tx, keys, args) {
    const cur = tx.get(keys[0]);
    if (cur !== null) return { status: 'existing', agentId: cur };
    const ttl = Number(args[1]);
    for (let i = 1; i < keys.length; i++) {
      const agentId = args[2 * i];
      const cap = Number(args[2 * i + 1]);
      if (Number(tx.get(keys[i]) ?? 0) < cap) {
        const load = tx.incrBy(keys[i], 1);
        tx.set(keys[0], agentId, ttl > 0 ? ttl : undefined);
        return { status: 'assigned', agentId, load };
      }
    }
    return { status: 'no_capacity' };
  },
  decode(raw) {
    const [code, agent, load] = raw as [number, string, number];
    if (Number(code) === 0) return { status: 'assigned', agentId: String(agent), load: Number(load) };
    if (Number(code) === 1) return { status: 'existing', agentId: String(agent) };
    return { status: 'no_capacity' };
  },
};

/** Keys and args for `assignConversationScript`, candidates in rank order. */
export function assignCall(conversationId: string, channel: string, ranked: readonly RankedCandidate[], ttlMs = 0): { keys: string[]; args: string[] } {
  for (const c of ranked) {
    if (!Number.isInteger(c.capacity) || c.capacity < 0) throw new RangeError(`capacity of ${c.agentId} must be a whole number >= 0`);
  }
  return {
    keys: [assignmentKey(conversationId), ...ranked.map((c) => agentLoadKey(c.agentId, channel))],
    args: [conversationId, String(Math.max(0, Math.floor(ttlMs))), ...ranked.flatMap((c) => [c.agentId, String(c.capacity)])],
  };
}

/**
 * Ends an assignment (close, or the first half of a transfer): deletes it and
 * frees one slot of the agent, never going below zero. Idempotent: a second
 * release finds nothing (`not_assigned`). Refuses (`other_agent`) when the
 * conversation is now someone else's, so a stale release cannot free a slot
 * it does not hold.
 *
 * keys: [assignmentKey(conversation), agentLoadKey(agent, channel)]; args: [agentId].
 */
export const releaseConversationScript: AtomicScript<ReleaseResult> = {
  name: 'route_release',
  lua: `
local cur = redis.call('GET', KEYS[1])
if not cur then return {1, '', -1} end
if cur ~= ARGV[1] then return {2, cur, -1} end
redis.call('DEL', KEYS[1])
local load = tonumber(redis.call('GET', KEYS[2]) or '0')
if load > 0 then load = redis.call('DECR', KEYS[2]) end
return {0, cur, load}`,
  local(tx, keys, args) {
    const cur = tx.get(keys[0]);
    if (cur === null) return { status: 'not_assigned' };
    if (cur !== args[0]) return { status: 'other_agent', agentId: cur };
    tx.del(keys[0]);
    let load = Number(tx.get(keys[1]) ?? 0);
    if (load > 0) load = tx.incrBy(keys[1], -1);
    return { status: 'released', load };
  },
  decode(raw) {
    const [code, agent, load] = raw as [number, string, number];
    if (Number(code) === 0) return { status: 'released', load: Number(load) };
    if (Number(code) === 2) return { status: 'other_agent', agentId: String(agent) };
    return { status: 'not_assigned' };
  },
};

/** Keys and args for `releaseConversationScript`. */
export function releaseCall(conversationId: string, agentId: string, channel: string): { keys: string[]; args: string[] } {
  return { keys: [assignmentKey(conversationId), agentLoadKey(agentId, channel)], args: [agentId] };
}
