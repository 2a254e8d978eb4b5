import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { manualClock } from '../../shared/clock.js';
import { MemoryStateStore } from '../state/memory-state-store.js';
import { QueueStore } from './queue-store.js';
import { sortKey } from './queue-keys.js';
import { opArb, runConcurrently, violation } from './test/queue-guarantees.js';

describe('persisted queues on the embedded store', () => {
  it('never loses, double-assigns or overfills under random concurrent operations', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 60 }), fc.integer({ min: 1, max: 6 }), async (ops, round) => {
        const mem = new MemoryStateStore({ clock: manualClock(1_764_000_000_000) });
        const enqueued = await runConcurrently([mem], ops, round);
        expect(await violation(mem, enqueued)).toBeNull();
      }),
      { numRuns: 300 },
    );
  });

  it('keeps queue order, is idempotent on enqueue, and re-queues a timed-out offer at the head, preferring others', async () => {
    const mem = new MemoryStateStore({ clock: manualClock(0) });
    const q = new QueueStore(mem, 0);
    const key = (id: string, priority: number, at: number) => sortKey({ tag: 'normal', priority, enqueuedAt: at, id });
    await q.enqueue('late', 'g', key('late', 10, 2), 2);
    await q.enqueue('early', 'g', key('early', 10, 1), 1);
    await q.enqueue('urgent', 'g', key('urgent', 90, 3), 3);
    expect(await q.enqueue('early', 'g', key('early', 10, 9), 9)).toEqual({ status: 'exists', current: 'queued' });
    expect((await q.queue('g')).map((e) => e[1])).toEqual(['urgent', 'early', 'late']);
    const a1 = { agentId: 'a1', capacity: 1, loadCh: '*' };
    expect(await q.offer('late', 'g', [a1], 10, 20, 'offered')).toMatchObject({ status: 'offered', agentId: 'a1', load: 1 });
    expect(await q.offer('early', 'g', [a1], 10, 20, 'offered')).toEqual({ status: 'no_capacity' });
    expect(await q.requeue('late', 15, (c) => `0${c.sort.slice(1)}`)).toEqual({ status: 'not_due' });
    expect(await q.requeue('late', 25, (c) => `0${c.sort.slice(1)}`)).toEqual({ status: 'requeued' });
    expect((await q.queue('g'))[0][1]).toBe('late');
    expect((await q.conv('late'))?.declined).toEqual(['a1']);
    expect(await q.accept('late', 'a1', 30)).toMatchObject({ status: 'conflict' });
  });
});
