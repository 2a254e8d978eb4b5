import type { AtomicScript, LocalTx } from '../../shared/ports/state-store.js';

/**
 * The follow-up timers' atomic steps (Lua on Redis, `local` embedded; the
 * integration test checks both give the same answers and state). Layout:
 * - `fu:c:<customer>` (hash): st (pending | active | stopped | done | idle),
 *   due (ms), lease (ms), tok (the claim token holding the lease), gen
 *   (sequences started), seq, rule, step (next step), ran (rule ids already
 *   run, comma-terminated), why/at (last stop), lead (JSON), h:<gen>:<step>
 *   (what each step did).
 * - `fu:due` (hash): customer → due ms of every pending or active timer;
 *   schedulers scan it and claim what is due.
 * - `fu:consent:<customer>` (hash): channel → `state|at|source`.
 * Only a claim's holder (its token) may advance a timer; the consumer may
 * stop one or re-arm a pending one at any time, which invalidates a claim
 * on a pending timer (nothing was sent for it yet).
 */
export const timerKey = (customerId: string) => `fu:c:${customerId}`;
export const DUE_KEY = 'fu:due';
export const consentKey = (customerId: string) => `fu:consent:${customerId}`;

const live = (st: string) => st === 'pending' || st === 'active';

export type ArmResult = { armed: boolean; previous: string };

/**
 * Records the lead and (re)arms a pending timer at `due` ('' = no timer:
 * a pending one goes idle). An active sequence keeps running (the caller
 * stops it first when the customer replied). keys: [timer, due]; args: [customer, due, leadJson].
 */
export const armScript: AtomicScript<ArmResult> = {
  name: 'fu_arm',
  lua: `
local st = redis.call('HGET', KEYS[1], 'st') or ''
redis.call('HSET', KEYS[1], 'lead', ARGV[3])
if st == 'active' then return {1, st} end
if ARGV[2] == '' then
  if st == 'pending' then
    redis.call('HSET', KEYS[1], 'st', 'idle', 'tok', '', 'lease', '0')
    redis.call('HDEL', KEYS[2], ARGV[1])
  end
  return {1, st}
end
redis.call('HSET', KEYS[1], 'st', 'pending', 'due', ARGV[2], 'tok', '', 'lease', '0')
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
return {0, st}`,
  local(tx, keys, args) {
    const st = tx.hget(keys[0], 'st') ?? '';
    tx.hset(keys[0], { lead: args[2] });
    if (st === 'active') return { armed: false, previous: st };
    if (args[1] === '') {
      if (st === 'pending') {
        tx.hset(keys[0], { st: 'idle', tok: '', lease: '0' });
        tx.hdel(keys[1], args[0]);
      }
      return { armed: false, previous: st };
    }
    tx.hset(keys[0], { st: 'pending', due: args[1], tok: '', lease: '0' });
    tx.hset(keys[1], { [args[0]]: args[1] });
    return { armed: true, previous: st };
  },
  decode: (raw) => {
    const r = raw as [number, string];
    return { armed: Number(r[0]) === 0, previous: String(r[1]) };
  },
};

export type ClaimResult = { status: 'claimed'; state: 'pending' | 'active' } | { status: 'gone' | 'not_due' | 'leased'; state: string };

/**
 * Takes a due timer for `leaseUntil - now` ms: only one scheduler holds it
 * at a time; a holder that dies loses it when the lease ends and another
 * takes it over. A timer no longer live leaves the due index here.
 * keys: [timer, due]; args: [customer, now, leaseUntil, token].
 */
export const claimScript: AtomicScript<ClaimResult> = {
  name: 'fu_claim',
  lua: `
local f = redis.call('HMGET', KEYS[1], 'st', 'due', 'lease')
local st = f[1] or ''
if st ~= 'pending' and st ~= 'active' then
  redis.call('HDEL', KEYS[2], ARGV[1])
  return {1, st}
end
if tonumber(f[2] or '0') > tonumber(ARGV[2]) then
  redis.call('HSET', KEYS[2], ARGV[1], f[2])
  return {2, st}
end
if tonumber(f[3] or '0') > tonumber(ARGV[2]) then return {3, st} end
redis.call('HSET', KEYS[1], 'lease', ARGV[3], 'tok', ARGV[4])
return {0, st}`,
  local(tx, keys, args) {
    const st = tx.hget(keys[0], 'st') ?? '';
    if (!live(st)) {
      tx.hdel(keys[1], args[0]);
      return { status: 'gone', state: st };
    }
    const due = tx.hget(keys[0], 'due') ?? '0';
    if (Number(due) > Number(args[1])) {
      tx.hset(keys[1], { [args[0]]: due });
      return { status: 'not_due', state: st };
    }
    if (Number(tx.hget(keys[0], 'lease') ?? '0') > Number(args[1])) return { status: 'leased', state: st };
    tx.hset(keys[0], { lease: args[2], tok: args[3] });
    return { status: 'claimed', state: st };
  },
  decode: (raw) => {
    const [code, st] = raw as [number, string];
    const status = (['claimed', 'gone', 'not_due', 'leased'] as const)[Number(code)];
    return { status, state: String(st) } as ClaimResult;
  },
};

export interface AdvanceArgs {
  customerId: string;
  token: string;
  /** The timer's state after this step. */
  state: 'pending' | 'active' | 'done' | 'idle' | 'stopped';
  step: number;
  /** Next due time (ms); ignored for states that are not live. */
  due: number;
  /** A new sequence: its id, the rule that chose it and the new generation. */
  start?: { seq: string; rule: string; gen: number };
  /** What the step did: field h:<gen>:<step> → JSON. */
  history?: { field: string; value: string };
  /** A stop reason recorded with the state (done: completed; stopped: erased, no_address). */
  why?: { reason: string; at: number };
}

export type AdvanceResult = { status: 'advanced' } | { status: 'stale'; state: string } | { status: 'stopped'; state: string };

/**
 * The claim holder's step: writes what the step did, then moves the timer
 * on, only while its token still holds the claim (`stale` otherwise: the
 * lease ended and another scheduler has it, or the lead wrote again). A
 * timer stopped meanwhile keeps its stop; the history is still written, as
 * the message may already have gone. keys: [timer, due].
 */
export const advanceScript: AtomicScript<AdvanceResult> = {
  name: 'fu_advance',
  lua: `
local f = redis.call('HMGET', KEYS[1], 'st', 'tok')
local st = f[1] or ''
if (f[2] or '') ~= ARGV[2] or ARGV[2] == '' then return {1, st} end
if ARGV[9] ~= '' then redis.call('HSET', KEYS[1], ARGV[9], ARGV[10]) end
if st ~= 'pending' and st ~= 'active' then
  redis.call('HSET', KEYS[1], 'tok', '', 'lease', '0')
  return {2, st}
end
redis.call('HSET', KEYS[1], 'st', ARGV[3], 'step', ARGV[4], 'due', ARGV[5], 'tok', '', 'lease', '0')
if ARGV[6] ~= '' then
  redis.call('HSET', KEYS[1], 'seq', ARGV[6], 'rule', ARGV[7], 'gen', ARGV[8])
  redis.call('HSET', KEYS[1], 'ran', (redis.call('HGET', KEYS[1], 'ran') or '') .. ARGV[7] .. ',')
end
if ARGV[11] ~= '' then redis.call('HSET', KEYS[1], 'why', ARGV[11], 'at', ARGV[12]) end
if ARGV[3] == 'pending' or ARGV[3] == 'active' then
  redis.call('HSET', KEYS[2], ARGV[1], ARGV[5])
else
  redis.call('HDEL', KEYS[2], ARGV[1])
end
return {0, ARGV[3]}`,
  local(tx, keys, args) {
    const st = tx.hget(keys[0], 'st') ?? '';
    if ((tx.hget(keys[0], 'tok') ?? '') !== args[1] || args[1] === '') return { status: 'stale', state: st };
    if (args[8] !== '') tx.hset(keys[0], { [args[8]]: args[9] });
    if (!live(st)) {
      tx.hset(keys[0], { tok: '', lease: '0' });
      return { status: 'stopped', state: st };
    }
    tx.hset(keys[0], { st: args[2], step: args[3], due: args[4], tok: '', lease: '0' });
    if (args[5] !== '') {
      tx.hset(keys[0], { seq: args[5], rule: args[6], gen: args[7] });
      tx.hset(keys[0], { ran: `${tx.hget(keys[0], 'ran') ?? ''}${args[6]},` });
    }
    if (args[10] !== '') tx.hset(keys[0], { why: args[10], at: args[11] });
    if (live(args[2])) tx.hset(keys[1], { [args[0]]: args[4] });
    else tx.hdel(keys[1], args[0]);
    return { status: 'advanced' };
  },
  decode: (raw) => {
    const [code, st] = raw as [number, string];
    return Number(code) === 0 ? { status: 'advanced' } : { status: Number(code) === 1 ? 'stale' : 'stopped', state: String(st) };
  },
};

/** advanceScript's args in order. */
export function advanceArgs(a: AdvanceArgs): string[] {
  return [
    a.customerId,
    a.token,
    a.state,
    String(a.step),
    String(a.due),
    a.start?.seq ?? '',
    a.start?.rule ?? '',
    a.start ? String(a.start.gen) : '',
    a.history?.field ?? '',
    a.history?.value ?? '',
    a.why?.reason ?? '',
    a.why ? String(a.why.at) : '',
  ];
}

export type StopResult = { stopped: true; previous: 'pending' | 'active'; gen: number; seq: string; step: number } | { stopped: false; previous: string };

/**
 * Stops a running sequence (mode `active`), or also a pending start (mode
 * `any`: an agent's cancel). Idempotent: a second stop answers stopped=false.
 * keys: [timer, due]; args: [customer, reason, at, mode].
 */
export const stopScript: AtomicScript<StopResult> = {
  name: 'fu_stop',
  lua: `
local st = redis.call('HGET', KEYS[1], 'st') or ''
if st == 'active' or (ARGV[4] == 'any' and st == 'pending') then
  redis.call('HSET', KEYS[1], 'st', 'stopped', 'why', ARGV[2], 'at', ARGV[3])
  redis.call('HDEL', KEYS[2], ARGV[1])
  local g = redis.call('HMGET', KEYS[1], 'gen', 'seq', 'step')
  return {0, st, g[1] or '0', g[2] or '', g[3] or '0'}
end
return {1, st, '0', '', '0'}`,
  local(tx, keys, args) {
    const st = tx.hget(keys[0], 'st') ?? '';
    if (st === 'active' || (args[3] === 'any' && st === 'pending')) {
      tx.hset(keys[0], { st: 'stopped', why: args[1], at: args[2] });
      tx.hdel(keys[1], args[0]);
      return {
        stopped: true,
        previous: st,
        gen: Number(tx.hget(keys[0], 'gen') ?? 0),
        seq: tx.hget(keys[0], 'seq') ?? '',
        step: Number(tx.hget(keys[0], 'step') ?? 0),
      };
    }
    return { stopped: false, previous: st };
  },
  decode: (raw) => {
    const r = raw as [number, string, string, string, string];
    return Number(r[0]) === 0
      ? { stopped: true, previous: r[1] as 'pending' | 'active', gen: Number(r[2]), seq: String(r[3]), step: Number(r[4]) }
      : { stopped: false, previous: String(r[1]) };
  },
};

/**
 * Records a consent change for one channel unless an equal or newer record
 * is there (events may arrive out of order; a repeat moves the record's time
 * on); true when the state changed. Without a
 * record a customer is opted in: a first opt-in is kept (an older opt-out
 * arriving after it must not win) but reported as no change.
 * keys: [consent]; args: [channel, state, at, source].
 */
export const consentScript: AtomicScript<boolean> = {
  name: 'fu_consent',
  lua: `
local cur = redis.call('HGET', KEYS[1], ARGV[1])
if cur then
  local st, at = string.match(cur, '^([^|]*)|([^|]*)|')
  if tonumber(at) > tonumber(ARGV[3]) then return 0 end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2] .. '|' .. ARGV[3] .. '|' .. ARGV[4])
if cur then
  local st = string.match(cur, '^([^|]*)|')
  if st == ARGV[2] then return 0 end
elseif ARGV[2] == 'opted_in' then
  return 0
end
return 1`,
  local(tx: LocalTx, keys, args) {
    const cur = tx.hget(keys[0], args[0]);
    if (cur !== null) {
      const [st, at] = cur.split('|');
      if (Number(at) > Number(args[2])) return false;
      tx.hset(keys[0], { [args[0]]: `${args[1]}|${args[2]}|${args[3]}` });
      return st !== args[1];
    }
    tx.hset(keys[0], { [args[0]]: `${args[1]}|${args[2]}|${args[3]}` });
    return args[1] !== 'opted_in';
  },
  decode: (raw) => Number(raw) === 1,
};

/**
 * Forgets a customer's timer and lead (their addresses) and takes it out of the due index; consent records stay
 * (channel names and times, no personal data: they prove the opt-out). keys: [timer, due]; args: [customer].
 */
export const eraseScript: AtomicScript<boolean> = {
  name: 'fu_erase',
  lua: `
redis.call('HDEL', KEYS[2], ARGV[1])
return redis.call('DEL', KEYS[1])`,
  local(tx, keys, args) {
    tx.hdel(keys[1], args[0]);
    return tx.del(keys[0]);
  },
  decode: (raw) => Number(raw) === 1,
};

/** Removes one field of a hash (the outbox entry once published). keys: [hash]; args: [field]. */
export const hdelScript: AtomicScript<boolean> = {
  name: 'fu_hdel',
  lua: `return redis.call('HDEL', KEYS[1], ARGV[1])`,
  local: (tx, keys, args) => tx.hdel(keys[0], args[0]),
  decode: (raw) => Number(raw) === 1,
};
