import type { AtomicScript } from '../../shared/ports/state-store.js';
import { LUA_PRELUDE, local, openValue } from './queue-keys.js';

/**
 * Atomic queue steps, part 1: enqueue (and the one re-triage on the customer's
 * words), offer/assign, accept, reprioritize.
 * Each is one StateStore step (Lua on Redis, `local` embedded), so several
 * routing workers and concurrent console accepts cannot lose a conversation,
 * assign it twice or exceed an agent's capacity. Keys are built by
 * queue-store.ts; the scripts re-check everything they were told (status,
 * agent, load channel) and answer `stale` rather than act on a stale read.
 */

export type EnqueueResult =
  | { status: 'enqueued' }
  | { status: 'exists'; current: string }
  | { status: 'retriaged'; from: string; withdrawn: string | null }
  | { status: 'already'; current: string }
  | { status: 'stale' };

/**
 * Puts a triaged conversation in its group's queue, idempotent by id: a
 * conversation with routing state (queued, offered, active or closed) is
 * left alone, with one exception, the triage moment (docs/routing.md): a
 * conversation triaged without the customer's words (`awaiting` '1', kept
 * as `tri` = '1') is triaged again, once, by the first message with words
 * (`words` = that message's id) while it still waits. Then, in this one
 * step, it moves to the new group's queue (a pending offer to another group
 * is withdrawn and the agent's slot freed; an offer in the same group
 * stays) and `tri` records the message, so a replay of it answers `already`
 * and nothing else re-triages it. Assigned (active), closed or transferred
 * conversations (the transfer script clears `tri`) are never moved. The
 * caller's read of status, group, agent and load channel is re-checked:
 * `stale` when it changed meanwhile.
 * keys: [convState, queue, assignment, open, currentQueue, currentLoad];
 * args: [id, group, sortKey, now, ttlMs, awaiting, words, status, currentGroup, agent, loadChannel].
 */
export const enqueueScript: AtomicScript<EnqueueResult> = {
  name: 'route_enqueue',
  lua: `${LUA_PRELUDE}
local st = redis.call('HGET', KEYS[1], 'status')
if not st then
  redis.call('HSET', KEYS[1], 'status', 'queued', 'group', ARGV[2], 'sort', ARGV[3], 'enq', ARGV[4], 'n', '0')
  if ARGV[6] == '1' then redis.call('HSET', KEYS[1], 'tri', '1') end
  local ttl = tonumber(ARGV[5])
  if ttl > 0 then redis.call('PEXPIRE', KEYS[1], ttl) end
  redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
  return {0, 'queued', ''}
end
local tri = redis.call('HGET', KEYS[1], 'tri') or ''
if ARGV[7] ~= '' and tri == ARGV[7] then return {2, st, ''} end
if ARGV[7] == '' or tri ~= '1' or (st ~= 'queued' and st ~= 'offered') then return {1, st, ''} end
local cur = redis.call('HMGET', KEYS[1], 'group', 'agent', 'load_ch')
if st ~= ARGV[8] or (cur[1] or '') ~= ARGV[9] or (cur[2] or '') ~= ARGV[10] or (cur[3] or '') ~= ARGV[11] then return {4, st, ''} end
local withdrawn = ''
if st == 'offered' and ARGV[2] ~= ARGV[9] then
  release(KEYS[3], KEYS[6])
  redis.call('HDEL', KEYS[4], ARGV[1])
  redis.call('HSET', KEYS[1], 'status', 'queued', 'agent', '', 'load_ch', '')
  withdrawn = ARGV[10]
end
if st == 'queued' or withdrawn ~= '' then
  redis.call('HDEL', KEYS[5], ARGV[1])
  redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
end
redis.call('HSET', KEYS[1], 'group', ARGV[2], 'sort', ARGV[3], 'tri', ARGV[7])
redis.call('HDEL', KEYS[1], 'esc', 'prio')
return {3, ARGV[9], withdrawn}`,
  local(tx, keys, args) {
    const st = tx.hget(keys[0], 'status');
    if (st === null) {
      tx.hset(keys[0], { status: 'queued', group: args[1], sort: args[2], enq: args[3], n: '0', ...(args[5] === '1' ? { tri: '1' } : {}) });
      if (Number(args[4]) > 0) tx.pexpire(keys[0], Number(args[4]));
      tx.hset(keys[1], { [args[0]]: args[2] });
      return { status: 'enqueued' };
    }
    const tri = tx.hget(keys[0], 'tri') ?? '';
    if (args[6] !== '' && tri === args[6]) return { status: 'already', current: st };
    if (args[6] === '' || tri !== '1' || (st !== 'queued' && st !== 'offered')) return { status: 'exists', current: st };
    const [group, agent, loadCh] = ['group', 'agent', 'load_ch'].map((f) => tx.hget(keys[0], f) ?? '');
    if (st !== args[7] || group !== args[8] || agent !== args[9] || loadCh !== args[10]) return { status: 'stale' };
    let withdrawn: string | null = null;
    if (st === 'offered' && args[1] !== args[8]) {
      local.release(tx, keys[2], keys[5]);
      tx.hdel(keys[3], args[0]);
      tx.hset(keys[0], { status: 'queued', agent: '', load_ch: '' });
      withdrawn = args[9];
    }
    if (st === 'queued' || withdrawn !== null) {
      tx.hdel(keys[4], args[0]);
      tx.hset(keys[1], { [args[0]]: args[2] });
    }
    tx.hset(keys[0], { group: args[1], sort: args[2], tri: args[6] });
    tx.hdel(keys[0], 'esc');
    tx.hdel(keys[0], 'prio');
    return { status: 'retriaged', from: args[8], withdrawn };
  },
  decode(raw) {
    const [code, st, withdrawn] = raw as [number, string, string];
    switch (Number(code)) {
      case 0:
        return { status: 'enqueued' };
      case 1:
        return { status: 'exists', current: String(st) };
      case 2:
        return { status: 'already', current: String(st) };
      case 3:
        return { status: 'retriaged', from: String(st), withdrawn: String(withdrawn) === '' ? null : String(withdrawn) };
      default:
        return { status: 'stale' };
    }
  },
};

export type OfferResult =
  { status: 'offered' | 'active'; agentId: string; load: number; n: number } | { status: 'not_queued'; current: string } | { status: 'no_capacity' };

/**
 * Takes a queued conversation out of its queue and gives it to the first
 * ranked candidate under capacity, in one step: `mode` offered (routing; the
 * agent must accept before acceptBy) or active (an agent pulls it, or a
 * direct assignment). Nothing changes when it is no longer queued (another
 * worker won) or nobody has room.
 * keys: [convState, queue, assignment, open, load 1, …];
 * args: [id, group, now, acceptBy, mode, agent 1, capacity 1, loadChannel 1, …].
 */
export const offerScript: AtomicScript<OfferResult> = {
  name: 'route_offer',
  lua: `${LUA_PRELUDE}
local cur = redis.call('HMGET', KEYS[1], 'status', 'group')
local st = cur[1]
if st ~= 'queued' or cur[2] ~= ARGV[2] then return {1, st or 'none'} end
if redis.call('EXISTS', KEYS[3]) == 1 then return {1, 'assigned'} end
for i = 5, #KEYS do
  local j = 6 + (i - 5) * 3
  local agent = ARGV[j]
  local cap = tonumber(ARGV[j + 1])
  local load = tonumber(redis.call('GET', KEYS[i]) or '0')
  if load < cap then
    local nl = redis.call('INCR', KEYS[i])
    redis.call('SET', KEYS[3], agent)
    redis.call('HDEL', KEYS[2], ARGV[1])
    local n = redis.call('HINCRBY', KEYS[1], 'n', 1)
    local mode = ARGV[5]
    redis.call('HSET', KEYS[1], 'status', mode, 'agent', agent, 'load_ch', ARGV[j + 2], 'off', ARGV[3], 'by', ARGV[4])
    if mode == 'active' then redis.call('HSET', KEYS[1], 'asg_at', ARGV[3]) end
    redis.call('HSET', KEYS[4], ARGV[1], agent .. '|' .. mode .. '|' .. ARGV[4])
    return {0, agent, nl, n, mode}
  end
end
return {2, '', 0, 0, ''}`,
  local(tx, keys, args) {
    const st = tx.hget(keys[0], 'status');
    if (st !== 'queued' || tx.hget(keys[0], 'group') !== args[1]) return { status: 'not_queued', current: st ?? 'none' };
    if (tx.exists(keys[2])) return { status: 'not_queued', current: 'assigned' };
    for (let i = 4; i < keys.length; i++) {
      const j = 5 + (i - 4) * 3;
      const agentId = args[j];
      if (Number(tx.get(keys[i]) ?? 0) < Number(args[j + 1])) {
        const load = tx.incrBy(keys[i], 1);
        tx.set(keys[2], agentId);
        tx.hdel(keys[1], args[0]);
        const n = tx.hincrBy(keys[0], 'n', 1);
        const mode = args[4] as 'offered' | 'active';
        tx.hset(keys[0], { status: mode, agent: agentId, load_ch: args[j + 2], off: args[2], by: args[3], ...(mode === 'active' ? { asg_at: args[2] } : {}) });
        tx.hset(keys[3], { [args[0]]: openValue(agentId, mode, args[3]) });
        return { status: mode, agentId, load, n };
      }
    }
    return { status: 'no_capacity' };
  },
  decode(raw) {
    const r = raw as [number, string, number, number, string];
    if (Number(r[0]) === 0) return { status: r[4] as 'offered' | 'active', agentId: String(r[1]), load: Number(r[2]), n: Number(r[3]) };
    if (Number(r[0]) === 1) return { status: 'not_queued', current: String(r[1]) };
    return { status: 'no_capacity' };
  },
};

export type AcceptResult = { status: 'accepted'; n: number } | { status: 'already' } | { status: 'conflict'; current: string; agentId: string };

/**
 * The offered agent accepts: offered → active. Idempotent (a second accept
 * answers `already`); anyone else, or a conversation no longer offered to
 * this agent, gets `conflict`.
 * keys: [convState, open]; args: [id, agent, now].
 */
export const acceptScript: AtomicScript<AcceptResult> = {
  name: 'route_accept',
  lua: `${LUA_PRELUDE}
local st = redis.call('HGET', KEYS[1], 'status') or 'none'
local agent = redis.call('HGET', KEYS[1], 'agent') or ''
if agent ~= ARGV[2] or (st ~= 'offered' and st ~= 'active') then return {2, st, agent} end
if st == 'active' then return {1, st, agent} end
redis.call('HSET', KEYS[1], 'status', 'active', 'asg_at', ARGV[3])
redis.call('HSET', KEYS[2], ARGV[1], agent .. '|active|0')
return {0, st, agent, tonumber(redis.call('HGET', KEYS[1], 'n') or '0')}`,
  local(tx, keys, args) {
    const st = tx.hget(keys[0], 'status') ?? 'none';
    const agent = tx.hget(keys[0], 'agent') ?? '';
    if (agent !== args[1] || (st !== 'offered' && st !== 'active')) return { status: 'conflict', current: st, agentId: agent };
    if (st === 'active') return { status: 'already' };
    tx.hset(keys[0], { status: 'active', asg_at: args[2] });
    tx.hset(keys[1], { [args[0]]: openValue(agent, 'active', 0) });
    return { status: 'accepted', n: Number(tx.hget(keys[0], 'n') ?? 0) };
  },
  decode(raw) {
    const r = raw as [number, string, string, number];
    if (Number(r[0]) === 0) return { status: 'accepted', n: Number(r[3]) };
    if (Number(r[0]) === 1) return { status: 'already' };
    return { status: 'conflict', current: String(r[1]), agentId: String(r[2]) };
  },
};

/**
 * SLA escalation: gives a still-queued conversation a new sort key (a raised
 * priority), once (`esc` marks it). keys: [convState, queue]; args: [id, sortKey, priority].
 */
export const escalateScript: AtomicScript<boolean> = {
  name: 'route_escalate',
  lua: `${LUA_PRELUDE}
if redis.call('HGET', KEYS[1], 'status') ~= 'queued' or redis.call('HGET', KEYS[1], 'esc') == '1' then return 0 end
if redis.call('HEXISTS', KEYS[2], ARGV[1]) == 0 then return 0 end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
redis.call('HSET', KEYS[1], 'esc', '1', 'sort', ARGV[2], 'prio', ARGV[3])
return 1`,
  local(tx, keys, args) {
    if (tx.hget(keys[0], 'status') !== 'queued' || tx.hget(keys[0], 'esc') === '1') return false;
    if (tx.hget(keys[1], args[0]) === null) return false;
    tx.hset(keys[1], { [args[0]]: args[1] });
    tx.hset(keys[0], { esc: '1', sort: args[1], prio: args[2] });
    return true;
  },
  decode: (raw) => Number(raw) === 1,
};
