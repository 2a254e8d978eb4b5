import { afterAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../../shared/clock.js';
import type { StateStore } from '../../../shared/ports/state-store.js';
import { MemoryStateStore } from '../../../stream/state/memory-state-store.js';
import { RedisStateStore } from '../../../stream/state/redis-state-store.js';
import { requireEngine, uniqueName } from '../../../test/contracts/engines.js';
import { ConversationLog, messagesAfter } from './conversation-log.js';

const clock = manualClock(Date.UTC(2026, 0, 1));
const HOUR = 3600_000;

function suite(name: string, open: () => Promise<StateStore>) {
  describe(`conversation log on ${name}`, () => {
    let store: StateStore;
    const log = () => new ConversationLog({ state: store, clock, replayMs: HOUR, conversationTtlMs: 24 * HOUR });
    afterAll(async () => store?.close());

    it('gives increasing seqs, is idempotent by key and flags the first visitor message', async () => {
      store = await open();
      const l = log();
      const c = `c_${uniqueNameSafe()}`;
      expect((await l.append(c, 'v:x', { from: 'visitor', text: 'no conv', at: clock.now() })).seq).toBe(-1);
      await l.create(c, 'visitor-1', 'pk_test_1');
      const a = await l.append(c, 'a:hi', { from: 'agent', text: 'hello', at: clock.now() });
      const m1 = await l.append(c, 'v:m1', { from: 'visitor', text: '你好', at: clock.now() });
      const m1again = await l.append(c, 'v:m1', { from: 'visitor', text: '你好', at: clock.now() });
      const m2 = await l.append(c, 'v:m2', { from: 'visitor', text: 'two', at: clock.now() });
      expect(a).toEqual({ seq: 1, created: true, first: false });
      expect(m1).toEqual({ seq: 2, created: true, first: true });
      expect(m1again).toEqual({ seq: 2, created: false, first: true });
      expect(m2).toEqual({ seq: 3, created: true, first: false });
      expect((await l.after(c, 1)).map((m) => [m.seq, m.text])).toEqual([
        [2, '你好'],
        [3, 'two'],
      ]);
      expect((await l.get(c))?.seq).toBe(3);
      expect(await store.pttl(`wc:{${c}}:log`)).toBeGreaterThan(HOUR - 5000);
    });

    it('gives distinct seqs to concurrent appends', async () => {
      const l = log();
      const c = `c_${uniqueNameSafe()}`;
      await l.create(c, 'visitor-2', 'pk_test_1');
      const rs = await Promise.all(Array.from({ length: 40 }, (_, i) => l.append(c, `v:${i % 20}`, { from: 'visitor', text: `t${i % 20}`, at: clock.now() })));
      const byKey = new Map<number, number>();
      rs.forEach((r, i) => {
        const prev = byKey.get(i % 20);
        if (prev !== undefined) expect(r.seq).toBe(prev);
        byKey.set(i % 20, r.seq);
      });
      expect([...new Set(byKey.values())].sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      expect(rs.filter((r) => r.first)).toHaveLength(2);
    });

    it('marks reads monotonically, never past the last seq', async () => {
      const l = log();
      const c = `c_${uniqueNameSafe()}`;
      await l.create(c, 'visitor-3', 'pk_test_1');
      await l.append(c, 'a:1', { from: 'agent', text: 'a', at: clock.now() });
      expect(await l.markRead(c, 'visitor', 9)).toBe(1);
      expect(await l.markRead(c, 'visitor', 0)).toBe(1);
    });
  });
}

let n = 0;
const uniqueNameSafe = () => `${process.pid}_${++n}_${Math.random().toString(36).slice(2, 8)}`;

suite('the memory store', async () => new MemoryStateStore({ clock }));
suite('Redis', async () => {
  const env = requireEngine('redis');
  return new RedisStateStore({ url: env.redisUrl, keyPrefix: `${uniqueName('webchat')}:` });
});

describe('messagesAfter', () => {
  it('keeps seq > lastSeq, newer than the cutoff, in seq order', () => {
    const log = {
      'i:v:a': '1',
      'm:10': JSON.stringify({ from: 'visitor', text: 'ten', at: 100 }),
      'm:2': JSON.stringify({ from: 'agent', text: 'two', at: 50 }),
      'm:3': JSON.stringify({ from: 'agent', text: 'three', at: 100 }),
    };
    expect(messagesAfter(log, 0, 60).map((m) => m.seq)).toEqual([3, 10]);
    expect(messagesAfter(log, 3, 0).map((m) => m.seq)).toEqual([10]);
  });
});
