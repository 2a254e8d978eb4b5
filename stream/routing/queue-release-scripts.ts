import type { AtomicScript } from '../../shared/ports/state-store.js';
import { LUA_PRELUDE, local, openValue } from './queue-keys.js';

/**
 * Atomic queue steps, part 2: everything that frees an agent's slot —
 * re-queue an unanswered offer, transfer, close. Callers read the
 * conversation's agent and load channel first (to name the load key); the
 * script re-checks both and answers `stale` when they changed meanwhile, so
 * the caller reads again and retries. A slot is freed only by the holder.
 */

export type RequeueResult = { status: 'requeued' } | { status: 'not_offered'; current: string } | { status: 'not_due' } | { status: 'stale' };

/**
 * Puts an offered conversation back at the head of its queue when its accept
 * time has passed (or `force`: the agent declined or went offline), freeing
 * the slot and remembering the agent so re-routing prefers someone else.
 * keys: [convState, queue, assignment, open, load]; args: [id, agent, loadChannel, now, force, headSortKey].
 */
export const requeueScript: AtomicScript<RequeueResult> = {
  name: 'route_requeue',
  lua: `${LUA_PRELUDE}
local st = redis.call('HGET', KEYS[1], 'status') or 'none'
if st ~= 'offered' then return {1, st} end
if redis.call('HGET', KEYS[1], 'agent') ~= ARGV[2] or redis.call('HGET', KEYS[1], 'load_ch') ~= ARGV[3] then return {3, st} end
if ARGV[5] ~= '1' and tonumber(redis.call('HGET', KEYS[1], 'by') or '0') > tonumber(ARGV[4]) then return {2, st} end
release(KEYS[3], KEYS[5])
local declined = redis.call('HGET', KEYS[1], 'declined') or ''
if declined == '' then declined = ARGV[2] else declined = declined .. ',' .. ARGV[2] end
redis.call('HSET', KEYS[1], 'status', 'queued', 'sort', ARGV[6], 'declined', declined, 'agent', '', 'load_ch', '')
redis.call('HDEL', KEYS[4], ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[6])
return {0, 'queued'}`,
  local(tx, keys, args) {
    const st = tx.hget(keys[0], 'status') ?? 'none';
    if (st !== 'offered') return { status: 'not_offered', current: st };
    if (tx.hget(keys[0], 'agent') !== args[1] || tx.hget(keys[0], 'load_ch') !== args[2]) return { status: 'stale' };
    if (args[4] !== '1' && Number(tx.hget(keys[0], 'by') ?? 0) > Number(args[3])) return { status: 'not_due' };
    local.release(tx, keys[2], keys[4]);
    const prev = tx.hget(keys[0], 'declined') ?? '';
    tx.hset(keys[0], { status: 'queued', sort: args[5], declined: prev === '' ? args[1] : `${prev},${args[1]}`, agent: '', load_ch: '' });
    tx.hdel(keys[3], args[0]);
    tx.hset(keys[1], { [args[0]]: args[5] });
    return { status: 'requeued' };
  },
  decode(raw) {
    const [code, st] = raw as [number, string];
    const c = Number(code);
    return c === 0 ? { status: 'requeued' } : c === 1 ? { status: 'not_offered', current: String(st) } : c === 2 ? { status: 'not_due' } : { status: 'stale' };
  },
};

export type TransferResult =
  | { status: 'active'; agentId: string; n: number }
  | { status: 'queued' }
  | { status: 'conflict'; current: string }
  | { status: 'no_capacity' }
  | { status: 'stale' };

/**
 * Transfer in one step: frees the holder's slot and either gives the
 * conversation to `toAgent` (active at once; refused without changing
 * anything when that agent has no room) or puts it at the head of `toGroup`'s queue.
 * An agent's transfer is final: a conversation still awaiting the customer's
 * words (`tri` = '1') is no longer re-triaged by them (enqueueScript).
 * keys: [convState, assignment, open, fromLoad, targetQueue, toLoad];
 * args: [id, fromAgent, fromLoadChannel, now, toGroup, toAgent ('' = the group), toCapacity, toLoadChannel, sortKey].
 */
export const transferScript: AtomicScript<TransferResult> = {
  name: 'route_transfer',
  lua: `${LUA_PRELUDE}
local st = redis.call('HGET', KEYS[1], 'status') or 'none'
local agent = redis.call('HGET', KEYS[1], 'agent') or ''
if (st ~= 'offered' and st ~= 'active') or agent ~= ARGV[2] or ARGV[6] == ARGV[2] then return {2, st} end
if redis.call('HGET', KEYS[1], 'load_ch') ~= ARGV[3] then return {4, st} end
if redis.call('HGET', KEYS[1], 'tri') == '1' then redis.call('HDEL', KEYS[1], 'tri') end
if ARGV[6] ~= '' then
  if tonumber(redis.call('GET', KEYS[6]) or '0') >= tonumber(ARGV[7]) then return {3, st} end
  release(KEYS[2], KEYS[4])
  redis.call('INCR', KEYS[6])
  redis.call('SET', KEYS[2], ARGV[6])
  local n = redis.call('HINCRBY', KEYS[1], 'n', 1)
  redis.call('HSET', KEYS[1], 'status', 'active', 'agent', ARGV[6], 'load_ch', ARGV[8], 'group', ARGV[5], 'off', ARGV[4], 'asg_at', ARGV[4], 'by', '0')
  redis.call('HSET', KEYS[3], ARGV[1], ARGV[6] .. '|active|0')
  return {0, ARGV[6], n}
end
release(KEYS[2], KEYS[4])
redis.call('HSET', KEYS[1], 'status', 'queued', 'agent', '', 'load_ch', '', 'group', ARGV[5], 'sort', ARGV[9])
redis.call('HDEL', KEYS[3], ARGV[1])
redis.call('HSET', KEYS[5], ARGV[1], ARGV[9])
return {1, 'queued', 0}`,
  local(tx, keys, args) {
    const st = tx.hget(keys[0], 'status') ?? 'none';
    const agent = tx.hget(keys[0], 'agent') ?? '';
    if ((st !== 'offered' && st !== 'active') || agent !== args[1] || args[5] === args[1]) return { status: 'conflict', current: st };
    if (tx.hget(keys[0], 'load_ch') !== args[2]) return { status: 'stale' };
    if (tx.hget(keys[0], 'tri') === '1') tx.hdel(keys[0], 'tri');
    if (args[5] !== '') {
      if (Number(tx.get(keys[5]) ?? 0) >= Number(args[6])) return { status: 'no_capacity' };
      local.release(tx, keys[1], keys[3]);
      tx.incrBy(keys[5], 1);
      tx.set(keys[1], args[5]);
      const n = tx.hincrBy(keys[0], 'n', 1);
      tx.hset(keys[0], { status: 'active', agent: args[5], load_ch: args[7], group: args[4], off: args[3], asg_at: args[3], by: '0' });
      tx.hset(keys[2], { [args[0]]: openValue(args[5], 'active', 0) });
      return { status: 'active', agentId: args[5], n };
    }
    local.release(tx, keys[1], keys[3]);
    tx.hset(keys[0], { status: 'queued', agent: '', load_ch: '', group: args[4], sort: args[8] });
    tx.hdel(keys[2], args[0]);
    tx.hset(keys[4], { [args[0]]: args[8] });
    return { status: 'queued' };
  },
  decode(raw) {
    const [code, st, n] = raw as [number, string, number];
    switch (Number(code)) {
      case 0:
        return { status: 'active', agentId: String(st), n: Number(n) };
      case 1:
        return { status: 'queued' };
      case 2:
        return { status: 'conflict', current: String(st) };
      case 3:
        return { status: 'no_capacity' };
      default:
        return { status: 'stale' };
    }
  },
};

export type CloseResult =
  | { status: 'closed'; agentId: string | null; was: string }
  | { status: 'already' }
  | { status: 'conflict'; current: string; agentId: string }
  | { status: 'unknown' }
  | { status: 'stale' };

/**
 * Closes a conversation wherever it is: out of its queue, or off its agent
 * (freeing the slot). `agent` non-empty: only that agent may close it. Idempotent (`already`).
 * keys: [convState, assignment, open, load, queue]; args: [id, agent, loadChannel, group].
 */
export const closeScript: AtomicScript<CloseResult> = {
  name: 'route_close',
  lua: `${LUA_PRELUDE}
local st = redis.call('HGET', KEYS[1], 'status')
if not st then return {4, 'none', ''} end
if st == 'closed' then return {1, st, ''} end
local agent = redis.call('HGET', KEYS[1], 'agent') or ''
if st == 'queued' then
  if ARGV[2] ~= '' then return {2, st, ''} end
  if redis.call('HGET', KEYS[1], 'group') ~= ARGV[4] then return {3, st, ''} end
  redis.call('HDEL', KEYS[5], ARGV[1])
  redis.call('HSET', KEYS[1], 'status', 'closed')
  return {0, st, ''}
end
if ARGV[2] ~= '' and ARGV[2] ~= agent then return {2, st, agent} end
if redis.call('HGET', KEYS[1], 'load_ch') ~= ARGV[3] then return {3, st, agent} end
release(KEYS[2], KEYS[4])
redis.call('HDEL', KEYS[3], ARGV[1])
redis.call('HSET', KEYS[1], 'status', 'closed')
return {0, st, agent}`,
  local(tx, keys, args) {
    const st = tx.hget(keys[0], 'status');
    if (st === null) return { status: 'unknown' };
    if (st === 'closed') return { status: 'already' };
    const agent = tx.hget(keys[0], 'agent') ?? '';
    if (st === 'queued') {
      if (args[1] !== '') return { status: 'conflict', current: st, agentId: '' };
      if (tx.hget(keys[0], 'group') !== args[3]) return { status: 'stale' };
      tx.hdel(keys[4], args[0]);
      tx.hset(keys[0], { status: 'closed' });
      return { status: 'closed', agentId: null, was: st };
    }
    if (args[1] !== '' && args[1] !== agent) return { status: 'conflict', current: st, agentId: agent };
    if (tx.hget(keys[0], 'load_ch') !== args[2]) return { status: 'stale' };
    local.release(tx, keys[1], keys[3]);
    tx.hdel(keys[2], args[0]);
    tx.hset(keys[0], { status: 'closed' });
    return { status: 'closed', agentId: agent, was: st };
  },
  decode(raw) {
    const [code, st, agent] = raw as [number, string, string];
    switch (Number(code)) {
      case 0:
        return { status: 'closed', agentId: String(agent) === '' ? null : String(agent), was: String(st) };
      case 1:
        return { status: 'already' };
      case 2:
        return { status: 'conflict', current: String(st), agentId: String(agent) };
      case 4:
        return { status: 'unknown' };
      default:
        return { status: 'stale' };
    }
  },
};
