import { afterAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../shared/clock.js';
import type { StateStore } from '../../shared/ports/state-store.js';
import { requireEngine, uniqueName } from '../../test/contracts/engines.js';
import { MemoryStateStore } from '../state/memory-state-store.js';
import { RedisStateStore } from '../state/redis-state-store.js';
import { QueueStore } from './queue-store.js';

/** The regroup script (the FAQ bot's clarified intent) as Lua on the real Redis and in its local form. */
const prefix = `${uniqueName('regroup')}:`;
let redis: RedisStateStore | undefined;
afterAll(async () => {
  await redis?.clearPrefix();
  await redis?.close();
});

describe.each([
  ['memory', () => new MemoryStateStore({ clock: manualClock(0) }) as StateStore],
  ['redis', () => (redis ??= new RedisStateStore({ url: requireEngine('redis').redisUrl, keyPrefix: prefix })) as StateStore],
])('QueueStore.regroup on %s', (_name, make) => {
  it('moves a queued conversation between queues keeping its sort key; leaves held or misplaced ones alone', async () => {
    const q = new QueueStore(make(), 0);
    const id = `${_name}-c1`;
    await q.enqueue(id, 'pre_sale', '1200000099', 5);
    expect(await q.regroup(id, 'pre_sale', 'pre_sale')).toEqual({ status: 'same' });
    expect(await q.regroup(id, 'pre_sale', 'after_sale')).toEqual({ status: 'moved' });
    expect((await q.queue('pre_sale')).map((e) => e[1])).not.toContain(id);
    expect(await q.queue('after_sale')).toContainEqual(['1200000099', id]);
    expect(await q.conv(id)).toMatchObject({ status: 'queued', group: 'after_sale', sort: '1200000099' });
    expect(await q.regroup(id, 'pre_sale', 'tech_support')).toEqual({ status: 'not_queued', current: 'queued' });
    await q.offer(id, 'after_sale', [{ agentId: 'a1', capacity: 2, loadCh: '*' }], 10, 1000, 'active');
    expect(await q.regroup(id, 'after_sale', 'tech_support')).toEqual({ status: 'not_queued', current: 'active' });
    expect(await q.regroup(`${_name}-none`, 'after_sale', 'tech_support')).toEqual({ status: 'not_queued', current: '' });
  });
});
