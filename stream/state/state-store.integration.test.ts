import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { claimIdsScript } from '../../ingest/dedup-scripts.js';
import { manualClock } from '../../shared/clock.js';
import { closedConversationKey, openConversationCall, openConversationScript } from '../sessions/open-conversation.js';
import type { StateStore } from '../../shared/ports/state-store.js';
import { requireEngine, sleep, uniqueName } from '../../test/contracts/engines.js';
import { stateStoreContract, takeCapacityScript } from '../../test/contracts/state-store.contract.js';
import { MemoryStateStore } from './memory-state-store.js';
import { RedisStateStore } from './redis-state-store.js';

let prefix: string | undefined;
const open = async () => {
  const env = requireEngine('redis');
  prefix ??= `${uniqueName('state')}:`;
  return new RedisStateStore({ url: env.redisUrl, keyPrefix: prefix });
};

stateStoreContract('Redis', {
  open,
  reopen: async (store) => {
    await store.close();
    return open();
  },
  advance: sleep,
  cleanup: async () => {
    const s = await open();
    await s.clearPrefix();
    await s.close();
  },
});

type Op =
  | { op: 'set'; k: string; v: string }
  | { op: 'get'; k: string }
  | { op: 'getMany'; ks: string[] }
  | { op: 'setIfAbsent'; k: string; v: string }
  | { op: 'setMany'; es: Array<{ key: string; value: string }> }
  | { op: 'del'; ks: string[] }
  | { op: 'incrBy'; k: string; d: number }
  | { op: 'hset'; k: string; f: Record<string, string> }
  | { op: 'hgetall'; k: string }
  | { op: 'hincrBy'; k: string; f: string; d: number }
  | { op: 'claim'; ks: string[] }
  | { op: 'take'; k: string; cap: number; want: number }
  | { op: 'openConv'; reqs: Array<{ channel: string; customer: string; msg: string; at: number }> }
  | { op: 'closeConv'; conv: string };

// Disjoint key families, so no sequence mixes a string and a hash under one key.
const sk = fc.constantFrom('s1', 's2', 's3');
const nk = fc.constantFrom('n1', 'n2');
const hk = fc.constantFrom('h1', 'h2');
const dk = fc.constantFrom('d1', 'd2', 'd3');
const val = fc.string({ unit: 'binary', maxLength: 12 });
const field = fc.constantFrom('a', 'b', 'ç', 'load2');
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('set' as const), k: sk, v: val }),
  fc.record({ op: fc.constant('get' as const), k: fc.oneof(sk, nk) }),
  fc.record({ op: fc.constant('getMany' as const), ks: fc.array(fc.oneof(sk, nk, dk), { maxLength: 5 }) }),
  fc.record({ op: fc.constant('setIfAbsent' as const), k: sk, v: val }),
  fc.record({ op: fc.constant('setMany' as const), es: fc.array(fc.record({ key: sk, value: val }), { maxLength: 4 }) }),
  fc.record({ op: fc.constant('del' as const), ks: fc.array(fc.oneof(sk, nk, hk, dk), { maxLength: 3 }) }),
  fc.record({ op: fc.constant('incrBy' as const), k: nk, d: fc.integer({ min: -1000, max: 1000 }) }),
  fc.record({ op: fc.constant('hset' as const), k: hk, f: fc.dictionary(field, fc.integer({ min: 0, max: 99 }).map(String), { maxKeys: 3 }) }),
  fc.record({ op: fc.constant('hgetall' as const), k: hk }),
  fc.record({ op: fc.constant('hincrBy' as const), k: hk, f: field, d: fc.integer({ min: -50, max: 50 }) }),
  fc.record({ op: fc.constant('claim' as const), ks: fc.uniqueArray(dk, { minLength: 1, maxLength: 3 }) }),
  fc.record({ op: fc.constant('take' as const), k: fc.constantFrom('ag1', 'ag2'), cap: fc.integer({ min: 0, max: 20 }), want: fc.integer({ min: 0, max: 8 }) }),
  // Open-conversation decisions: few customers and message ids, so joins, expiries, retries and closes all happen.
  fc.record({
    op: fc.constant('openConv' as const),
    reqs: fc.array(
      fc.record({
        channel: fc.constantFrom('sms', 'wechat'),
        customer: fc.constantFrom('cus_1', 'cus_2', 'phone:+86|1'),
        msg: fc.constantFrom('m1', 'm2', 'm3', 'wamid.ç|x'),
        at: fc.integer({ min: 1_764_000_000_000, max: 1_764_000_000_000 + 5_000 }),
      }),
      { minLength: 1, maxLength: 4 },
    ),
  }),
  fc.record({ op: fc.constant('closeConv' as const), conv: fc.constantFrom('sms:m1', 'sms:m2', 'wechat:m3', 'sms:wamid.ç|x') }),
);

/** How often the open-conversation fuzz started and joined (both must happen for the agreement to mean much). */
const convSeen = { started: 0, joined: 0 };

async function apply(st: StateStore, ns: string, o: Op): Promise<unknown> {
  const K = (k: string) => ns + k;
  switch (o.op) {
    case 'set':
      return st.set(K(o.k), o.v);
    case 'get':
      return st.get(K(o.k));
    case 'getMany':
      return st.getMany(o.ks.map(K));
    case 'setIfAbsent':
      return st.setIfAbsent(K(o.k), o.v);
    case 'setMany':
      return st.setMany(o.es.map((e) => ({ key: K(e.key), value: e.value })));
    case 'del':
      return st.del([...new Set(o.ks)].map(K));
    case 'incrBy':
      return st.incrBy(K(o.k), o.d);
    case 'hset':
      return st.hset(K(o.k), o.f);
    case 'hgetall':
      return st.hgetall(K(o.k));
    case 'hincrBy':
      return st.hincrBy(K(o.k), o.f, o.d);
    case 'claim':
      return st.atomic(claimIdsScript, o.ks.map(K), ['600000']);
    case 'take':
      return st.atomic(takeCapacityScript, [K(o.k), K(`grant-${o.k}`)], [String(o.cap), String(o.want)]);
    case 'openConv': {
      const { keys, args } = openConversationCall(
        o.reqs.map((r) => ({ channel: r.channel, customerKey: r.customer, eventId: r.msg, at: r.at })),
        2_000,
      );
      const out = await st.atomic(openConversationScript, keys.map(K), args);
      for (const d of out) convSeen[d.started ? 'started' : 'joined']++;
      return out;
    }
    case 'closeConv':
      return st.set(K(closedConversationKey(o.conv)), '1');
  }
}

describe('StateStore: Redis and the in-process store agree (differential fuzz)', () => {
  let redis: RedisStateStore;
  afterAll(async () => {
    await redis?.clearPrefix();
    await redis?.close();
  });

  it('answers every random operation sequence identically', async () => {
    const env = requireEngine('redis');
    redis = new RedisStateStore({ url: env.redisUrl, keyPrefix: `${uniqueName('diff')}:` });
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 40 }), async (ops) => {
        const ns = `r${++run}:`;
        const memory = new MemoryStateStore({ clock: manualClock(Date.now()) });
        try {
          for (const [i, o] of ops.entries()) {
            const a = await apply(memory, ns, o);
            const b = await apply(redis, ns, o);
            expect(b, `op ${i} ${JSON.stringify(o)}`).toEqual(a);
          }
        } finally {
          await memory.close();
        }
      }),
      { numRuns: 60, seed: 20251124 },
    );
    expect(convSeen.started).toBeGreaterThan(10);
    expect(convSeen.joined).toBeGreaterThan(10);
  });
});

describe('RedisStateStore specifics', () => {
  it('runs scripts with EVALSHA and falls back to EVAL after the server forgot them (NOSCRIPT)', async () => {
    const env = requireEngine('redis');
    const st = new RedisStateStore({ url: env.redisUrl, keyPrefix: `${uniqueName('noscript')}:` });
    try {
      expect(await st.atomic(claimIdsScript, ['x'], ['60000'])).toEqual([0]);
      const { connect } = await import('node:net');
      const u = new URL(env.redisUrl);
      await new Promise<void>((resolve, reject) => {
        const sock = connect({ host: u.hostname, port: Number(u.port) }, () => sock.write('SCRIPT FLUSH\r\n'));
        sock.on('data', (d) => {
          sock.destroy();
          if (d.toString().startsWith('+OK')) resolve();
          else reject(new Error(d.toString()));
        });
        sock.on('error', reject);
      });
      expect(await st.atomic(claimIdsScript, ['x', 'y'], ['60000'])).toEqual([2, 0]);
      expect(await st.atomic(claimIdsScript, ['y'], ['60000'])).toEqual([2]);
    } finally {
      await st.clearPrefix();
      await st.close();
    }
  });
});
