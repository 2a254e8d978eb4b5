import type { AtomicScript } from '../../shared/ports/state-store.js';

export type RegroupResult = { status: 'moved' } | { status: 'same' } | { status: 'not_queued'; current: string };

/**
 * Moves a conversation that still waits in one group's queue to another group's queue, keeping its sort key
 * (its place by tag, priority, SLA and wait). Used when the FAQ bot learns what the customer really wants (a
 * clarifying answer) before any agent holds the conversation. Only a `queued` conversation in `from` moves:
 * one offered, active, closed or already elsewhere is left alone (`not_queued`), so the bot never takes a
 * conversation from an agent. keys: [convState, fromQueue, toQueue]; args: [id, fromGroup, toGroup].
 */
export const regroupScript: AtomicScript<RegroupResult> = {
  name: 'route_regroup',
  lua: `
local st = redis.call('HGET', KEYS[1], 'status') or ''
local g = redis.call('HGET', KEYS[1], 'group') or ''
if st ~= 'queued' or g ~= ARGV[2] then return {1, st} end
if ARGV[2] == ARGV[3] then return {2, st} end
local sort = redis.call('HGET', KEYS[1], 'sort') or ''
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('HSET', KEYS[3], ARGV[1], sort)
redis.call('HSET', KEYS[1], 'group', ARGV[3])
return {0, st}`,
  local(tx, keys, args) {
    const st = tx.hget(keys[0], 'status') ?? '';
    if (st !== 'queued' || (tx.hget(keys[0], 'group') ?? '') !== args[1]) return { status: 'not_queued', current: st };
    if (args[1] === args[2]) return { status: 'same' };
    const sort = tx.hget(keys[0], 'sort') ?? '';
    tx.hdel(keys[1], args[0]);
    tx.hset(keys[2], { [args[0]]: sort });
    tx.hset(keys[0], { group: args[2] });
    return { status: 'moved' };
  },
  decode(raw) {
    const [code, st] = raw as [number, string];
    if (Number(code) === 0) return { status: 'moved' };
    if (Number(code) === 2) return { status: 'same' };
    return { status: 'not_queued', current: String(st) };
  },
};
