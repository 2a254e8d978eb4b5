import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { manualClock } from '../../shared/clock.js';
import { MemoryStateStore } from '../state/memory-state-store.js';
import { QueueStore } from './queue-store.js';
import { sortKey } from './queue-keys.js';
import { opArb, runConcurrently, runOp, violation } from './test/queue-guarantees.js';

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
  it('re-triages on words only a waiting conversation that awaits them, at most once, never after an assignment or a transfer', async () => {
    await fc.assert(
      // Two conversations only, so enqueue → offer → transfer → words sequences come up often.
      fc.asyncProperty(
        fc.array(
          opArb.map((op) => ({ ...op, c: op.c % 2 })),
          { minLength: 20, maxLength: 60 },
        ),
        async (ops) => {
          const mem = new MemoryStateStore({ clock: manualClock(1_764_000_000_000) });
          const q = new QueueStore(mem, 0);
          const retriaged = new Set<string>();
          const settled = new Set<string>(); // was active, or an agent transferred it
          for (const [i, op] of ops.entries()) {
            const id = `c${op.c}`;
            const before = await q.conv(id);
            const r = (await runOp(q, op, i)) as { status?: string } | undefined;
            const after = await q.conv(id);
            if (after?.status === 'active' || (op.k === 'transfer' && (r?.status === 'active' || r?.status === 'queued'))) settled.add(id);
            if (op.k !== 'words' || !before) continue;
            if (r?.status === 'retriaged') {
              expect(retriaged.has(id) || settled.has(id)).toBe(false);
              expect(before.awaitingWords && ['queued', 'offered'].includes(before.status)).toBe(true);
              expect(after).toMatchObject({ group: ['g1', 'g2'][op.g], awaitingWords: false, triagedBy: `msg/${op.m}` });
              // An offer in the same group stays; one in another group is withdrawn.
              expect(after?.status).toBe(before.status === 'offered' && before.group === after?.group ? 'offered' : 'queued');
              retriaged.add(id);
            } else {
              expect(after).toEqual(before);
            }
          }
          expect(await violation(mem, new Set(ops.filter((o) => o.k === 'enqueue' || o.k === 'words').map((o) => `c${o.c}`)))).toBeNull();
        },
      ),
      { numRuns: 300 },
    );
  });
});
