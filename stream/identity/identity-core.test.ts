import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { identifiersOf, normalisePhoneE164 } from './identifiers.js';
import { resolveEventLocal, resolveLocal, rootOf, splitLocal, type IdTx } from './identity-core.js';

/** A plain-map IdTx: the pure core needs nothing else. */
export function mapTx(): IdTx & { dump(): Map<string, unknown> } {
  const kv = new Map<string, string>();
  const h = new Map<string, Map<string, string>>();
  return {
    get: (k) => kv.get(k) ?? null,
    set: (k, v) => void kv.set(k, v),
    incrBy: (k, d) => {
      const n = Number(kv.get(k) ?? 0) + d;
      kv.set(k, String(n));
      return n;
    },
    hget: (k, f) => h.get(k)?.get(f) ?? null,
    hset: (k, fields) => {
      const m = h.get(k) ?? new Map<string, string>();
      for (const [f, v] of Object.entries(fields)) m.set(f, v);
      h.set(k, m);
    },
    hgetall: (k) => Object.fromEntries(h.get(k) ?? []),
    dump: () => new Map<string, unknown>([...kv, ...[...h].map(([k, m]) => [k, Object.fromEntries(m)] as [string, unknown])]),
  };
}

const T = '1764000000000';
const resolve = (tx: IdTx, ids: string[], max = 3) => resolveLocal(tx, '', ids, T, max);
/** identifier → its customer's root, for every identifier the graph knows. */
function partition(tx: IdTx, ids: string[]): string[][] {
  const groups = new Map<string, string[]>();
  for (const id of ids) {
    const c = tx.get(`idn:i:${id}`);
    if (c === null) continue;
    const r = rootOf(tx, '', c);
    groups.set(r, [...(groups.get(r) ?? []), id]);
  }
  return [...groups.values()].map((g) => g.sort()).sort((a, b) => a[0].localeCompare(b[0]));
}

describe('identifiers', () => {
  it('normalises phones to E.164 with a default country code for local numbers', () => {
    expect(normalisePhoneE164('+86 138 0000 0000')).toBe('+8613800000000');
    expect(normalisePhoneE164('0086-138-0000-0000')).toBe('+8613800000000');
    expect(normalisePhoneE164('138 0000 0000', '86')).toBe('+8613800000000');
    expect(normalisePhoneE164('8613800000000', '86')).toBe('+8613800000000');
    expect(normalisePhoneE164('010 6552 9988', '86')).toBe('+861065529988');
    expect(normalisePhoneE164('(212) 555-0100', '1')).toBe('+12125550100');
    expect(normalisePhoneE164('138 0000 0000')).toBe('13800000000');
    expect(normalisePhoneE164('12')).toBeNull();
    expect(normalisePhoneE164('+1234567890123456')).toBeNull();
  });

  it('yields each identifier once in canonical order; a WhatsApp wa_id is also a phone', () => {
    const ids = identifiersOf(
      {
        anonymous_id: 'dev-1',
        external_id: 'crm-42',
        email: ' Li@Example.COM ',
        phone: '138 0000 0000',
        channel_ids: { wechat: 'oX1', whatsapp: '8613800000000' },
      },
      { defaultCountryCode: '86' },
    );
    expect(ids).toEqual(['ext:crm-42', 'email:li@example.com', 'phone:+8613800000000', 'wechat:oX1', 'whatsapp:8613800000000', 'anon:dev-1']);
    expect(identifiersOf({ anonymous_id: 'a\nb' })).toEqual(['anon:a b']);
  });
});

describe('identity graph (pure core)', () => {
  it('creates, links and merges: the older customer survives and every move is reported', () => {
    const tx = mapTx();
    expect(resolve(tx, ['anon:w1'])).toMatchObject({ customerId: 'cus_1', created: true });
    expect(resolve(tx, ['phone:+8613800000000'])).toMatchObject({ customerId: 'cus_2', created: true });
    const login = resolve(tx, ['ext:crm-42', 'phone:+8613800000000', 'anon:w1']);
    expect(login).toEqual({ customerId: 'cus_1', created: false, merges: [{ merged: 'cus_2', identifiers: ['phone:+8613800000000'] }], refused: [] });
    expect(resolve(tx, ['phone:+8613800000000']).customerId).toBe('cus_1');
    expect(partition(tx, ['anon:w1', 'ext:crm-42', 'phone:+8613800000000'])).toEqual([['anon:w1', 'ext:crm-42', 'phone:+8613800000000']]);
  });

  it('never merges two different external ids, and says so', () => {
    const tx = mapTx();
    resolve(tx, ['ext:a', 'email:x@y.cn']);
    const r = resolve(tx, ['ext:b', 'email:x@y.cn']);
    expect(r).toMatchObject({ customerId: 'cus_2', created: true, merges: [], refused: [{ other: 'cus_1', reason: 'conflict' }] });
    expect(tx.get('idn:i:email:x@y.cn')).toBe('cus_1');
  });

  it('a phone seen with more than N customers is not merge evidence (switchboard)', () => {
    const tx = mapTx();
    for (const a of ['anon:1', 'anon:2', 'anon:3']) resolve(tx, [`phone:+861065529988`, a], 2);
    // The third visitor made the phone shared: it was not merged into the first.
    expect(partition(tx, ['anon:1', 'anon:2', 'anon:3', 'phone:+861065529988']).length).toBe(2);
    const r = resolve(tx, ['phone:+861065529988', 'anon:4'], 2);
    expect(r.merges).toEqual([]);
    expect(r.customerId).not.toBe(tx.get('idn:i:phone:+861065529988'));
  });

  it('a split undoes its merge, restores the merged id and blocks an automatic re-merge', () => {
    const tx = mapTx();
    resolve(tx, ['anon:w1']);
    resolve(tx, ['phone:+8613800000000']);
    resolve(tx, ['anon:w1', 'phone:+8613800000000']);
    const s = splitLocal(tx, '', 'cus_1', ['phone:+8613800000000'], T);
    expect(s).toEqual({ customerId: 'cus_2', restored: true, from: 'cus_1', moved: ['phone:+8613800000000'] });
    expect(partition(tx, ['anon:w1', 'phone:+8613800000000'])).toEqual([['anon:w1'], ['phone:+8613800000000']]);
    const again = resolve(tx, ['anon:w1', 'phone:+8613800000000']);
    expect(again.refused).toEqual([{ other: 'cus_2', reason: 'split' }]);
    expect(splitLocal(tx, '', 'cus_1', ['email:nobody@x.cn'], T).customerId).toBe('');
    expect(splitLocal(tx, '', 'cus_1', ['anon:w1'], T)).toMatchObject({ customerId: 'cus_3', restored: false });
  });

  it('remembers a merging event: a retried request gets the same merge again (its audit row is not lost)', () => {
    const tx = mapTx();
    const r = (ref: string, ids: string[]) => resolveEventLocal(tx, '', ref, ids, T, 3, 60_000);
    r('p/1', ['anon:w1']);
    r('p/2', ['phone:+8613800000000']);
    const first = r('p/3', ['anon:w1', 'phone:+8613800000000']);
    expect(first.merges).toEqual([{ merged: 'cus_2', identifiers: ['phone:+8613800000000'] }]);
    expect(r('p/3', ['anon:w1', 'phone:+8613800000000'])).toEqual(first);
    expect(r('p/4', ['anon:w1', 'phone:+8613800000000']).merges).toEqual([]);
    expect(tx.get('idn:r:p/1')).toBeNull();
  });

  const idArb = fc.constantFrom(
    'anon:a',
    'anon:b',
    'anon:c',
    'phone:+1555000001',
    'phone:+1555000002',
    'email:a@x.io',
    'email:b@x.io',
    'wechat:o1',
    'whatsapp:w1',
  );
  const eventsArb = fc.array(fc.uniqueArray(idArb, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 12 });
  const all = ['anon:a', 'anon:b', 'anon:c', 'phone:+1555000001', 'phone:+1555000002', 'email:a@x.io', 'email:b@x.io', 'wechat:o1', 'whatsapp:w1'];

  it('property: the final partition does not depend on the order of the events (connected components)', () => {
    fc.assert(
      fc.property(eventsArb, fc.integer({ min: 0, max: 1000 }), (events, seed) => {
        const shuffled = [...events].sort((a, b) => ((a.join().length * 31 + seed) % 7) - ((b.join().length * 31 + seed) % 7));
        const [t1, t2] = [mapTx(), mapTx()];
        for (const e of events) resolve(t1, e, 100);
        for (const e of shuffled.reverse()) resolve(t2, e, 100);
        expect(partition(t2, all)).toEqual(partition(t1, all));
        // Union-find over the same events as the reference.
        const parent = new Map<string, string>();
        const find = (x: string): string => (parent.get(x) === undefined || parent.get(x) === x ? x : find(parent.get(x)!));
        for (const e of events) for (const id of e) parent.set(find(id), find(e[0]));
        const ref = new Map<string, string[]>();
        for (const id of new Set(events.flat())) ref.set(find(id), [...(ref.get(find(id)) ?? []), id]);
        expect(partition(t1, all)).toEqual([...ref.values()].map((g) => g.sort()).sort((a, b) => a[0].localeCompare(b[0])));
      }),
      { numRuns: 300, seed: 424242 },
    );
  });

  it('property: a split of exactly the identifiers a merge brought in restores the partition before it', () => {
    fc.assert(
      fc.property(eventsArb, fc.uniqueArray(idArb, { minLength: 2, maxLength: 3 }), (events, linking) => {
        const tx = mapTx();
        for (const e of events) resolve(tx, e, 100);
        const known = new Set(events.flat());
        fc.pre(linking.every((id) => known.has(id)));
        const before = partition(tx, all);
        const r = resolve(tx, linking, 100);
        for (const m of [...r.merges].reverse()) {
          const s = splitLocal(tx, '', r.customerId, m.identifiers, T);
          expect(s).toMatchObject({ customerId: m.merged, restored: true });
        }
        expect(partition(tx, all)).toEqual(before);
      }),
      { numRuns: 300, seed: 777 },
    );
  });
});
