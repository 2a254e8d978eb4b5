import { afterAll, describe, expect, it } from 'vitest';
import { CLAIM, claimIdsScript } from '../../ingest/dedup-scripts.js';
import { customerDimsScript } from '../../ingest/customer-dims.js';
import type { AtomicScript, StateStore } from '../../shared/ports/state-store.js';

export interface StateHarness {
  /** A store; keys are unique per test, so one store may be shared. */
  open(): Promise<StateStore>;
  /** Closes the store and opens it again on the same storage (journal, Redis server). */
  reopen(store: StateStore): Promise<StateStore>;
  /** Lets `ms` pass for the store's expiry (a manual clock, or real time for Redis). */
  advance(ms: number): Promise<void>;
  cleanup?(): Promise<void>;
}

/**
 * Takes up to `capacity` units for an agent, atomically: the kind of decision
 * routing makes. Returns [granted, load after]. Lua and local must agree.
 */
export const takeCapacityScript: AtomicScript<[number, number]> = {
  name: 'take_capacity',
  lua: `
local load = tonumber(redis.call('HGET', KEYS[1], 'load') or '0')
local cap = tonumber(ARGV[1])
local want = tonumber(ARGV[2])
local grant = math.min(want, cap - load)
if grant < 0 then grant = 0 end
if grant > 0 then load = redis.call('HINCRBY', KEYS[1], 'load', grant) end
redis.call('SET', KEYS[2], tostring(grant), 'PX', 60000)
return {grant, load}`,
  local(tx, keys, args) {
    const load = Number(tx.hget(keys[0], 'load') ?? 0);
    const grant = Math.max(0, Math.min(Number(args[1]), Number(args[0]) - load));
    const after = grant > 0 ? tx.hincrBy(keys[0], 'load', grant) : load;
    tx.set(keys[1], String(grant), 60_000);
    return [grant, after];
  },
  decode: (raw) => {
    const [g, l] = raw as [number, number];
    return [Number(g), Number(l)];
  },
};

let n = 0;
const key = (s: string) => `contract:${Date.now().toString(36)}:${++n}:${s}`;

/** The StateStore port contract, checked against every adapter (memory, Redis). */
export function stateStoreContract(adapter: string, harness: StateHarness): void {
  describe(`StateStore contract: ${adapter}`, () => {
    let store: StateStore;
    const s = async () => (store ??= await harness.open());
    afterAll(async () => {
      await store?.close();
      await harness.cleanup?.();
    });

    it('gets and sets strings; getMany keeps the order and answers null for absent keys', async () => {
      const st = await s();
      const [a, b, c] = [key('a'), key('b'), key('c')];
      expect(await st.get(a)).toBeNull();
      await st.set(a, 'one');
      await st.set(b, 'twö ✓ "quoted" \\ {json:1}');
      await st.set(a, 'uno');
      expect(await st.get(a)).toBe('uno');
      expect(await st.getMany([b, c, a])).toEqual(['twö ✓ "quoted" \\ {json:1}', null, 'uno']);
      expect(await st.getMany([])).toEqual([]);
      expect(await st.del([a, c])).toBe(1);
      expect(await st.get(a)).toBeNull();
      expect(await st.del([])).toBe(0);
    });

    it('expires keys: pttl counts down, -1 without expiry, -2 when absent; expire() on absent is false', async () => {
      const st = await s();
      const [t, p, x] = [key('ttl'), key('plain'), key('x')];
      await st.set(t, 'v', 300);
      await st.set(p, 'v');
      const left = await st.pttl(t);
      expect(left).toBeGreaterThan(0);
      expect(left).toBeLessThanOrEqual(300);
      expect(await st.pttl(p)).toBe(-1);
      expect(await st.pttl(x)).toBe(-2);
      expect(await st.expire(x, 1000)).toBe(false);
      expect(await st.expire(p, 300)).toBe(true);
      expect(await st.pttl(p)).toBeGreaterThan(0);
      await harness.advance(450);
      expect(await st.get(t)).toBeNull();
      expect(await st.get(p)).toBeNull();
      expect(await st.pttl(t)).toBe(-2);
      expect(await st.getMany([t, p])).toEqual([null, null]);
    });

    it('setIfAbsent sets only once, and again after the key expired', async () => {
      const st = await s();
      const k = key('nx');
      expect(await st.setIfAbsent(k, 'first', 300)).toBe(true);
      expect(await st.setIfAbsent(k, 'second', 300)).toBe(false);
      expect(await st.get(k)).toBe('first');
      await harness.advance(450);
      expect(await st.setIfAbsent(k, 'third')).toBe(true);
      expect(await st.get(k)).toBe('third');
      expect(await st.pttl(k)).toBe(-1);
    });

    it('setMany writes every entry with its own ttl, and readers see all or none of it', async () => {
      const st = await s();
      const keys = Array.from({ length: 300 }, (_, i) => key(`m${i}`));
      const seen: Array<Array<string | null>> = [];
      let writing = true;
      const reader = (async () => {
        // Yield to I/O between reads: an in-memory store answers in microtasks.
        while (writing) {
          seen.push(await st.getMany(keys));
          await new Promise((r) => setImmediate(r));
        }
      })();
      await Promise.resolve();
      await st.setMany(keys.map((k, i) => ({ key: k, value: `v${i}`, ttlMs: i % 2 ? 300 : undefined })));
      writing = false;
      await reader;
      seen.push(await st.getMany(keys));
      for (const snap of seen) {
        const set = snap.filter((v) => v !== null).length;
        expect(set === 0 || set === keys.length, `a reader saw ${set} of ${keys.length} entries`).toBe(true);
      }
      expect(seen[seen.length - 1]).toEqual(keys.map((_k, i) => `v${i}`));
      expect(await st.pttl(keys[0])).toBe(-1);
      expect(await st.pttl(keys[1])).toBeGreaterThan(0);
      await harness.advance(450);
      const after = await st.getMany(keys);
      expect(after.filter((v) => v !== null)).toHaveLength(150);
      expect(after[1]).toBeNull();
      await st.setMany([]);
    });

    it('counts: incrBy from absent, keeps the ttl; hashes: hset, hgetall, hincrBy', async () => {
      const st = await s();
      const [c, h] = [key('count'), key('hash')];
      expect(await st.incrBy(c, 5)).toBe(5);
      expect(await st.incrBy(c, -7)).toBe(-2);
      expect(await st.get(c)).toBe('-2');
      await st.expire(c, 10_000);
      await st.incrBy(c, 1);
      expect(await st.pttl(c)).toBeGreaterThan(0);
      expect(await st.hgetall(h)).toEqual({});
      await st.hset(h, { a: '1', b: 'x' });
      await st.hset(h, { b: 'y', c: 'ç' });
      expect(await st.hincrBy(h, 'a', 41)).toBe(42);
      expect(await st.hincrBy(h, 'n', -1)).toBe(-1);
      expect(await st.hgetall(h)).toEqual({ a: '42', b: 'y', c: 'ç', n: '-1' });
    });

    it('atomic(claimIdsScript) answers new / pending / duplicate exactly like the other adapters', async () => {
      const st = await s();
      const [a, b, c] = [key('d1'), key('d2'), key('d3')];
      expect(await st.atomic(claimIdsScript, [a, b], ['300'])).toEqual([CLAIM.new, CLAIM.new]);
      expect(await st.get(a)).toBe('pending');
      const ttl = await st.pttl(a);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(300);
      await st.set(b, 'done');
      expect(await st.atomic(claimIdsScript, [a, b, c], ['300'])).toEqual([CLAIM.pending, CLAIM.duplicate, CLAIM.new]);
      await harness.advance(450);
      expect(await st.atomic(claimIdsScript, [a, b, c], ['300'])).toEqual([CLAIM.new, CLAIM.duplicate, CLAIM.new]);
    });

    it('atomic(customerDimsScript) keeps the first source and the latest tag, event by event, like the other adapters', async () => {
      const st = await s();
      const [a, b] = [key('dims-a'), key('dims-b')];
      // a: nothing, then 百度/normal, then another source (ignored) and VIP (wins); b: a tag only.
      expect(await st.atomic(customerDimsScript, [a, a, a, b], ['60000', '', '', '百度', 'normal', 'douyin', 'VIP', '', 'high_value'])).toEqual([
        '',
        '',
        '百度',
        'normal',
        '百度',
        'VIP',
        '',
        'high_value',
      ]);
      expect(await st.atomic(customerDimsScript, [a], ['60000', '', ''])).toEqual(['百度', 'VIP']);
      expect(await st.pttl(a)).toBeGreaterThan(0);
      expect(await st.hgetall(b)).toEqual({ tag: 'high_value' });
    });

    it('atomic scripts do not interleave: concurrent claims of one id give exactly one "new"', async () => {
      const st = await s();
      const k = key('race');
      const results = await Promise.all(Array.from({ length: 50 }, () => st.atomic(claimIdsScript, [k], ['60000'])));
      expect(results.filter((r) => r[0] === CLAIM.new)).toHaveLength(1);
      expect(results.filter((r) => r[0] === CLAIM.pending)).toHaveLength(49);
      const agent = key('agent');
      const grants = await Promise.all(Array.from({ length: 20 }, (_v, i) => st.atomic(takeCapacityScript, [agent, key(`g${i}`)], ['10', '1'])));
      expect(grants.filter(([g]) => g === 1)).toHaveLength(10);
      expect(grants.map(([, l]) => l).sort((x, y) => x - y)).toEqual([...Array.from({ length: 10 }, (_v, i) => i + 1), ...Array(10).fill(10)]);
      expect(await st.hgetall(agent)).toEqual({ load: '10' });
      expect(await st.atomic(takeCapacityScript, [agent, key('more')], ['12', '5'])).toEqual([2, 12]);
    });

    it('is durable: reopened, it has the same keys, hashes and expiries', async () => {
      const st = await s();
      const [a, h, t] = [key('dur'), key('durh'), key('durt')];
      await st.set(a, 'kept');
      await st.hset(h, { f: 'v' });
      await st.set(t, 'short', 300);
      store = await harness.reopen(st);
      expect(await store.get(a)).toBe('kept');
      expect(await store.hgetall(h)).toEqual({ f: 'v' });
      expect(await store.pttl(t)).toBeGreaterThan(0);
      await harness.advance(450);
      expect(await store.get(t)).toBeNull();
    });
  });
}
