import type { AtomicScript } from '../../shared/ports/state-store.js';
import type { Identifier } from './identifiers.js';
import { decodeResolutions, resolveEventLocal, splitLocal, type Resolution, type SplitResult } from './identity-core.js';

/**
 * The identity graph's atomic decisions as AtomicScripts. KEYS[1] is always
 * `idn:seq`; the store's key prefix is read off it, so the other keys (found
 * by lookup inside the script) live under the same prefix. That needs a
 * single Redis (or Redis Cluster with one hash slot per namespace), which is
 * what Omnilane's distributed mode runs.
 */
export const IDENTITY_SEQ_KEY = 'idn:seq';

const LUA_COMMON = `
local P = string.sub(KEYS[1], 1, #KEYS[1] - 7)
local function hget(k, f) local v = redis.call('HGET', k, f); if v then return v end; return nil end
local function root(c)
  for _ = 1, 64 do
    local into = hget(P .. 'idn:c:' .. c, 'into')
    if into == nil or into == '' then return c end
    c = into
  end
  return c
end
-- Byte order (strcoll would follow the server's locale); JS sorts with byteCompare.
local function lt(a, b)
  for i = 1, math.min(#a, #b) do
    local x, y = string.byte(a, i), string.byte(b, i)
    if x ~= y then return x < y end
  end
  return #a < #b
end
local function isWeak(id) return string.sub(id, 1, 6) == 'phone:' or string.sub(id, 1, 6) == 'email:' end
local function newCustomer(now)
  local seq = redis.call('INCRBY', P .. 'idn:seq', 1)
  local id = 'cus_' .. seq
  redis.call('HSET', P .. 'idn:c:' .. id, 'seq', tostring(seq), 'at', now)
  return id
end
local function members(c)
  local h = redis.call('HGETALL', P .. 'idn:m:' .. c)
  local out = {}
  for i = 1, #h, 2 do if h[i + 1] == '1' then out[#out + 1] = h[i] end end
  table.sort(out, lt)
  return out
end
local function setMembers(c, ids, flag)
  if #ids == 0 then return end
  local args = {}
  for _, m in ipairs(ids) do args[#args + 1] = m; args[#args + 1] = flag end
  redis.call('HSET', P .. 'idn:m:' .. c, unpack(args))
end
`;

const RESOLVE_LUA = `${LUA_COMMON}
local now = ARGV[1]
local maxShared = tonumber(ARGV[2])
local function resolve(ids)
  local anchor = ''
  for _, id in ipairs(ids) do if not isWeak(id) then anchor = id; break end end
  local shared = {}
  for _, w in ipairs(ids) do
    if isWeak(w) then
      local k = P .. 'idn:s:' .. w
      local n = redis.call('HLEN', k)
      if anchor ~= '' and redis.call('HEXISTS', k, anchor) == 0 and n <= maxShared then
        redis.call('HSET', k, anchor, '1'); n = n + 1
      end
      if n > maxShared then shared[w] = true end
    end
  end
  local found = {}
  for _, id in ipairs(ids) do
    local c = redis.call('GET', P .. 'idn:i:' .. id)
    if c then found[id] = root(c) end
  end
  local eventExt = ''
  if #ids > 0 and string.sub(ids[1], 1, 4) == 'ext:' then eventExt = string.sub(ids[1], 5) end
  local cands, seen = {}, {}
  for _, id in ipairs(ids) do
    local c = found[id]
    if c and not shared[id] and not seen[c] then seen[c] = true; cands[#cands + 1] = c end
  end
  local seqs = {}
  for _, c in ipairs(cands) do seqs[c] = tonumber(hget(P .. 'idn:c:' .. c, 'seq') or '0') end
  table.sort(cands, function(a, b) if seqs[a] ~= seqs[b] then return seqs[a] < seqs[b] end return lt(a, b) end)
  local merges, refused = {}, {}
  local groupExt, survivor = eventExt, ''
  for _, c in ipairs(cands) do
    local cext = hget(P .. 'idn:c:' .. c, 'ext') or ''
    if groupExt ~= '' and cext ~= '' and cext ~= groupExt then
      refused[#refused + 1] = c; refused[#refused + 1] = 'conflict'
    elseif survivor == '' then
      survivor = c
      if groupExt == '' then groupExt = cext end
    elseif hget(P .. 'idn:x:' .. survivor, c) == '1' then
      refused[#refused + 1] = c; refused[#refused + 1] = 'split'
    else
      local moved = members(c)
      for _, m in ipairs(moved) do redis.call('SET', P .. 'idn:i:' .. m, survivor) end
      setMembers(survivor, moved, '1')
      redis.call('HSET', P .. 'idn:c:' .. c, 'into', survivor)
      local joined = table.concat(moved, '\\n')
      redis.call('HSET', P .. 'idn:a:' .. survivor, c, joined)
      if cext ~= '' and (hget(P .. 'idn:c:' .. survivor, 'ext') or '') == '' then redis.call('HSET', P .. 'idn:c:' .. survivor, 'ext', cext) end
      if groupExt == '' then groupExt = cext end
      merges[#merges + 1] = c; merges[#merges + 1] = joined
    end
  end
  local allShared = true
  for _, id in ipairs(ids) do if not shared[id] then allShared = false end end
  if survivor == '' and allShared then
    for _, id in ipairs(ids) do
      local c = found[id]
      if shared[id] and c then
        local cext = hget(P .. 'idn:c:' .. c, 'ext') or ''
        if eventExt == '' or cext == '' or cext == eventExt then survivor = c; break end
      end
    end
  end
  local created = '0'
  if survivor == '' then survivor = newCustomer(now); created = '1' end
  local fresh = {}
  for _, id in ipairs(ids) do if not found[id] then fresh[#fresh + 1] = id; redis.call('SET', P .. 'idn:i:' .. id, survivor) end end
  setMembers(survivor, fresh, '1')
  if eventExt ~= '' and (hget(P .. 'idn:c:' .. survivor, 'ext') or '') == '' then redis.call('HSET', P .. 'idn:c:' .. survivor, 'ext', eventExt) end
  local out = { survivor, created, tostring(#merges / 2) }
  for _, v in ipairs(merges) do out[#out + 1] = v end
  out[#out + 1] = tostring(#refused / 2)
  for _, v in ipairs(refused) do out[#out + 1] = v end
  return out
end
local function splitStr(s, sep)
  local out, pos = {}, 1
  while true do
    local a = string.find(s, sep, pos, true)
    if not a then out[#out + 1] = string.sub(s, pos); return out end
    out[#out + 1] = string.sub(s, pos, a - 1)
    pos = a + #sep
  end
end
local memoTtl = tonumber(ARGV[3])
-- A store that lost its keys must not hand out customer ids again: the caller's floor (the highest seq it has seen).
local seqFloor = tonumber(ARGV[4])
if seqFloor > 0 and redis.call('EXISTS', P .. 'idn:seq') == 0 then redis.call('SET', P .. 'idn:seq', tostring(seqFloor)) end
-- ARGV[5..]: per event, its ref, the number of identifiers and then the identifiers.
local all = {}
local i = 5
while i <= #ARGV do
  local ref = ARGV[i]
  local n = tonumber(ARGV[i + 1])
  local ids = {}
  for j = 1, n do ids[j] = ARGV[i + 1 + j] end
  i = i + n + 2
  local mk = P .. 'idn:r:' .. ref
  local memo = redis.call('GET', mk)
  local out
  if memo then
    out = splitStr(memo, '\t')
    out[1] = root(out[1])
  else
    out = resolve(ids)
    if out[3] ~= '0' or out[4 + 2 * tonumber(out[3])] ~= '0' then
      redis.call('SET', mk, table.concat(out, '\t'), 'PX', memoTtl)
    end
  end
  for _, v in ipairs(out) do all[#all + 1] = v end
end
return all`;

const SPLIT_LUA = `${LUA_COMMON}
local now = ARGV[1]
local from = root(ARGV[2])
local moving, dup = {}, {}
for i = 3, #ARGV do
  local id = ARGV[i]
  local c = redis.call('GET', P .. 'idn:i:' .. id)
  if not dup[id] and c and root(c) == from then moving[#moving + 1] = id end
  dup[id] = true
end
table.sort(moving, lt)
if #moving == 0 then return { '', '0', from, '' } end
local joined = table.concat(moving, '\\n')
local h = redis.call('HGETALL', P .. 'idn:a:' .. from)
local names = {}
local byName = {}
for i = 1, #h, 2 do names[#names + 1] = h[i]; byName[h[i]] = h[i + 1] end
table.sort(names, lt)
local target = nil
for _, l in ipairs(names) do if byName[l] == joined then target = l; break end end
local restored = '0'
if target then
  restored = '1'
  redis.call('HSET', P .. 'idn:c:' .. target, 'into', '')
  redis.call('HSET', P .. 'idn:a:' .. from, target, '')
else
  target = newCustomer(now)
end
for _, m in ipairs(moving) do redis.call('SET', P .. 'idn:i:' .. m, target) end
setMembers(from, moving, '0')
setMembers(target, moving, '1')
for _, m in ipairs(moving) do
  if string.sub(m, 1, 4) == 'ext:' then
    local v = string.sub(m, 5)
    redis.call('HSET', P .. 'idn:c:' .. target, 'ext', v)
    if hget(P .. 'idn:c:' .. from, 'ext') == v then redis.call('HSET', P .. 'idn:c:' .. from, 'ext', '') end
  end
end
redis.call('HSET', P .. 'idn:x:' .. from, target, '1')
redis.call('HSET', P .. 'idn:x:' .. target, from, '1')
return { target, restored, from, joined }`;

const prefixOf = (keys: string[]) => keys[0].slice(0, keys[0].length - IDENTITY_SEQ_KEY.length);
const split = (s: string) => (s === '' ? [] : s.split('\n'));

/** An event to resolve: its ref (`producer/id`) and its identifiers in canonical order. */
export interface ResolveRequest {
  ref: string;
  ids: readonly Identifier[];
}

/** Encodes the args of resolveIdentityScript: [now, maxShared, memoTtlMs, then per event: ref, count, ...identifiers]. */
/**
 * `seqFloor`: the highest customer seq the caller knows was handed out (0: none). When the store has no counter
 * (new, or it lost its keys), the counter starts there, so ids of customers already in the warehouse are never
 * given to new ones.
 */
export function resolveArgs(now: number, maxShared: number, memoTtlMs: number, events: ResolveRequest[], seqFloor = 0): string[] {
  return [
    String(now),
    String(maxShared),
    String(Math.max(1, Math.ceil(memoTtlMs))),
    String(Math.max(0, Math.trunc(seqFloor))),
    ...events.flatMap((e) => [e.ref, String(e.ids.length), ...e.ids]),
  ];
}

/**
 * Resolves a batch of events in one atomic step, in order (one round trip,
 * one journal line per ingest request). args: see resolveArgs; keys:
 * [IDENTITY_SEQ_KEY]. One Resolution per event; an event resolved before
 * (a retried request) gets its remembered answer (resolveEventLocal).
 */
export const resolveIdentityScript: AtomicScript<Resolution[]> = {
  name: 'identity_resolve',
  lua: RESOLVE_LUA,
  local(tx, keys, args) {
    const out: Resolution[] = [];
    const floor = Number(args[3]);
    if (floor > 0 && tx.get(keys[0]) === null) tx.set(keys[0], String(floor));
    for (let i = 4; i < args.length;) {
      const n = Number(args[i + 1]);
      out.push(resolveEventLocal(tx, prefixOf(keys), args[i], args.slice(i + 2, i + 2 + n), args[0], Number(args[1]), Number(args[2])));
      i += n + 2;
    }
    return out;
  },
  decode: (raw) => decodeResolutions((raw as unknown[]).map(String)),
};

/** args: [now ms, customer id, ...identifiers to detach]; keys: [IDENTITY_SEQ_KEY]. */
export const splitIdentityScript: AtomicScript<SplitResult> = {
  name: 'identity_split',
  lua: SPLIT_LUA,
  local: (tx, keys, args) => splitLocal(tx, prefixOf(keys), args[1], args.slice(2), args[0]),
  decode(raw) {
    const r = (raw as unknown[]).map(String);
    return { customerId: r[0], restored: r[1] === '1', from: r[2], moved: split(r[3]) };
  },
};
