import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { MetricsRegistry } from '../shared/metrics.js';
import type { Warehouse } from '../shared/ports/warehouse.js';
import type { DeadLetterRow, EventRow } from '../shared/tables.js';
import { ObservedWarehouse } from './observed-warehouse.js';

describe('ObservedWarehouse', () => {
  it('warns about a write outstanding longer than the stall limit and measures latency and errors', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const log = pino({ level: 'info' }, new Writable({ write: (c, _e, cb) => (lines.push(JSON.parse(String(c))), cb()) }));
    let release!: () => void;
    const inner: Warehouse = {
      migrate: async () => [],
      append: (table) =>
        table === 'events' ? new Promise<void>((r) => (release = r)) : Promise.reject(Object.assign(new Error('down'), { code: 'WH_ERR_UNAVAILABLE' })),
      discardContributions: async () => undefined,
      eraseRows: async () => 0,
      query: async () => [],
      close: async () => undefined,
    };
    const metrics = new MetricsRegistry();
    const wh = new ObservedWarehouse(inner, { metrics, log, stallWarnMs: 150, checkEveryMs: 25 });
    const pending = wh.append('events', [{ id: 'a' } as EventRow]);
    await new Promise((r) => setTimeout(r, 300));
    expect(await metrics.render()).toMatch(/omnilane_sink_writes_outstanding 1/);
    release();
    await pending;
    await expect(wh.append('dead_letters', [{ ref: 'b' } as DeadLetterRow])).rejects.toThrow('down');
    await wh.close();
    const warn = lines.filter((l) => l.level === 40);
    expect(warn.length).toBeGreaterThanOrEqual(1);
    expect(warn[0]).toMatchObject({ engine: 'warehouse', table: 'events', rows: 1 });
    expect(String(warn[0].msg)).toMatch(/outstanding for \d+ s: the sink is stalled/);
    const text = await metrics.render();
    expect(text).toMatch(/omnilane_sink_write_duration_seconds_count\{op="append",table="events"\} 1/);
    expect(text).toMatch(/omnilane_sink_errors_total\{code="WH_ERR_UNAVAILABLE",table="dead_letters"\} 1/);
  });
});
