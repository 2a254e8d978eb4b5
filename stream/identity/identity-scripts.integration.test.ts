import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../shared/clock.js';
import type { StateStore } from '../../shared/ports/state-store.js';
import { requireEngine, uniqueName } from '../../test/contracts/engines.js';
import { MemoryStateStore } from '../state/memory-state-store.js';
import { RedisStateStore } from '../state/redis-state-store.js';
import { IDENTITY_SEQ_KEY, resolveArgs, resolveIdentityScript, splitIdentityScript } from './identity-scripts.js';
import { IdentityService } from './identity-service.js';
import type { EventEnvelope } from '../../shared/envelope.js';

/**
 * The resolve-and-merge and split decisions give identical answers (and leave
 * identical graphs) on Redis (Lua) and the embedded store (local form).
 */
type Op = { op: 'resolve'; batch: Array<{ ref: string; ids: string[] }>; max: number; floor: number } | { op: 'split'; customer: number; ids: string[] };

// Hostile and non-ASCII identifiers too: Lua must sort them byte-wise like JS.
const idArb = fc.constantFrom(
  'ext:crm-1',
  'ext:crm-2',
  'email:a@x.cn',
  'email:Ä@x.cn',
  'phone:+8613800000000',
  'phone:+861065529988',
  'wechat:o😀',
  'whatsapp:8613800000000',
  'anon:a',
  'anon:b',
  "anon:'; x",
  'anon:ç日本',
);
const order = (ids: string[]) => {
  const rank = (s: string) => (s.startsWith('ext:') ? 0 : s.startsWith('email:') ? 1 : s.startsWith('phone:') ? 2 : s.startsWith('anon:') ? 9 : 5);
  return [...ids].sort((a, b) => rank(a) - rank(b) || Buffer.compare(Buffer.from(a), Buffer.from(b)));
};
const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      op: fc.constant('resolve' as const),
      batch: fc.array(
        fc.record({
          ref: fc.constantFrom('p/1', 'p/2', 'p/3', 'p/4', 'p/5', 'p/6', 'p/7', 'p/8'),
          ids: fc.uniqueArray(idArb, { minLength: 1, maxLength: 4 }).map(order),
        }),
        { minLength: 1, maxLength: 3 },
      ),
      max: fc.integer({ min: 1, max: 3 }),
      floor: fc.constantFrom(0, 0, 0, 2, 5),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('split' as const),
      customer: fc.integer({ min: 1, max: 4 }),
      ids: fc.uniqueArray(idArb, { minLength: 1, maxLength: 2 }),
    }),
  },
);

function run(st: StateStore, ns: string, o: Op) {
  const keys = [`${ns}${IDENTITY_SEQ_KEY}`];
  if (o.op === 'resolve') return st.atomic(resolveIdentityScript, keys, resolveArgs(1764000000000, o.max, 600_000, o.batch, o.floor));
  return st.atomic(splitIdentityScript, keys, ['1764000000000', `cus_${o.customer}`, ...o.ids]);
}

/** Everything the graph stores for the identifiers and customers of a run, for comparing the two stores. */
async function snapshot(st: StateStore, ns: string): Promise<unknown> {
  const ids = [
    'ext:crm-1',
    'ext:crm-2',
    'email:a@x.cn',
    'email:Ä@x.cn',
    'phone:+8613800000000',
    'phone:+861065529988',
    'wechat:o😀',
    'whatsapp:8613800000000',
    'anon:a',
    'anon:b',
    "anon:'; x",
    'anon:ç日本',
  ];
  const idx = await st.getMany(ids.map((i) => `${ns}idn:i:${i}`));
  const cust: unknown[] = [];
  for (let n = 1; n <= 12; n++) {
    for (const k of ['c', 'm', 'a', 'x']) cust.push(await st.hgetall(`${ns}idn:${k}:cus_${n}`));
  }
  const memo = await st.getMany(['p/1', 'p/2', 'p/3', 'p/4', 'p/5', 'p/6', 'p/7', 'p/8'].map((r) => `${ns}idn:r:${r}`));
  return { idx, cust, memo, seq: await st.get(`${ns}${IDENTITY_SEQ_KEY}`) };
}

describe('identity scripts: Redis (Lua) and the embedded store (local) agree', () => {
  let redis: RedisStateStore;
  afterAll(async () => {
    await redis?.clearPrefix();
    await redis?.close();
  });

  it('answers every random sequence of resolves and splits identically and leaves the same graph', async () => {
    const env = requireEngine('redis');
    redis = new RedisStateStore({ url: env.redisUrl, keyPrefix: `${uniqueName('identity')}:` });
    let n = 0;
    const seen = { merges: 0, refused: 0, restored: 0 };
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 30 }), async (ops) => {
        const ns = `r${++n}:`;
        const memory = new MemoryStateStore({ clock: manualClock(Date.now()) });
        try {
          for (const [i, o] of ops.entries()) {
            const a = await run(memory, ns, o);
            const b = await run(redis, ns, o);
            expect(b, `op ${i} ${JSON.stringify(o)}`).toEqual(a);
            if (Array.isArray(a))
              for (const x of a) {
                seen.merges += x.merges.length;
                seen.refused += x.refused.length;
              }
            else if (a.restored) seen.restored++;
          }
          expect(await snapshot(redis, ns)).toEqual(await snapshot(memory, ns));
        } finally {
          await memory.close();
        }
      }),
      { numRuns: 120, seed: 20261125 },
    );
    // The fuzz reached every branch that matters.
    expect(seen.merges).toBeGreaterThan(10);
    expect(seen.refused).toBeGreaterThan(0);
    expect(seen.restored).toBeGreaterThan(0);
  });

  it('merges a login across channels and splits it back on Redis', async () => {
    requireEngine('redis');
    const ns = 'fixed:';
    const keys = [`${ns}${IDENTITY_SEQ_KEY}`];
    const r = async (ids: string[]) => (await redis.atomic(resolveIdentityScript, keys, resolveArgs(1, 3, 60_000, [{ ref: `p/${ids.join()}`, ids }])))[0];
    expect((await r(['anon:web-1'])).customerId).toBe('cus_1');
    expect((await r(['phone:+8613800000000'])).customerId).toBe('cus_2');
    expect(await r(['ext:crm-42', 'phone:+8613800000000', 'anon:web-1'])).toEqual({
      customerId: 'cus_1',
      created: false,
      merges: [{ merged: 'cus_2', identifiers: ['phone:+8613800000000'] }],
      refused: [],
    });
    expect(await redis.atomic(splitIdentityScript, keys, ['2', 'cus_2', 'phone:+8613800000000'])).toEqual({
      customerId: 'cus_2',
      restored: true,
      from: 'cus_1',
      moved: ['phone:+8613800000000'],
    });
  });

  it('IdentityService gives the same customers, records, profiles and lookups on Redis as in-process', async () => {
    requireEngine('redis');
    const clock = manualClock(1_764_000_000_000);
    const ev = (id: string, customer: EventEnvelope['customer']): EventEnvelope => ({
      id,
      producer: 'p',
      type: 'message.received',
      channel: 'sms',
      occurred_at: 1,
      received_at: 1,
      customer_key: 'x',
      customer,
      conversation_id: null,
      agent_id: null,
      properties: {},
    });
    const events = [
      ev('a', { anonymous_id: 'w1' }),
      ev('b', { phone: '13800000000' }),
      ev('c', { external_id: 'crm-1', anonymous_id: 'w1', phone: '+86 138 0000 0000' }),
      ev('d', { external_id: 'crm-2', phone: '13800000000' }),
    ];
    const redisStore = new RedisStateStore({ url: requireEngine('redis').redisUrl, keyPrefix: `${uniqueName('idsvc')}:` });
    const memory = new MemoryStateStore({ clock });
    try {
      const out = [];
      for (const st of [redisStore, memory]) {
        const svc = new IdentityService({ state: st, clock, defaultCountryCode: '86', maxSharedCustomers: 3 });
        const resolved = await svc.resolve(events);
        out.push({
          keys: resolved.map((e) => e.customer_key),
          records: resolved.map((e) => e.identity_records ?? []),
          profile: await svc.profile('cus_2'),
          found: await svc.lookup([...svc.identifiersOf({ phone: '138-0000-0000' }), 'anon:w1', 'ext:nobody']),
          split: await svc.split('cus_1', ['phone:+8613800000000'], 'k', ''),
          after: await svc.profile('cus_1'),
        });
      }
      expect(out[0]).toEqual(out[1]);
      expect(out[0].keys).toEqual(['cus_1', 'cus_2', 'cus_1', 'cus_3']);
      expect(out[0].records[3]).toEqual([expect.objectContaining({ kind: 'refused', other_id: 'cus_1' })]);
      expect(out[0].profile).toMatchObject({
        id: 'cus_1',
        merged_into_from: 'cus_2',
        merged: ['cus_2'],
        identifiers: ['anon:w1', 'ext:crm-1', 'phone:+8613800000000'],
      });
      expect(out[0].found).toEqual(['cus_1', 'cus_1', null]);
      expect(out[0].after).toMatchObject({ id: 'cus_1', merged: [], identifiers: ['anon:w1', 'ext:crm-1'] });
    } finally {
      await redisStore.clearPrefix();
      await redisStore.close();
      await memory.close();
    }
  });
});
