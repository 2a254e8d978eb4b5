import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { manualClock } from '../../shared/clock.js';
import type { BusMessage } from '../../shared/ports/event-bus.js';
import { InProcessBus } from './in-process-bus.js';
import { segmentsToDelete } from './segment-log.js';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'omnilane-seg-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const records = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ key: 'k', value: JSON.stringify({ n: from + i, pad: 'x'.repeat(80) }) }));

/** Reads everything a fresh group gets, until nothing new arrives. */
async function drain(bus: InProcessBus, group: string): Promise<BusMessage[]> {
  const got: BusMessage[] = [];
  const sub = await bus.subscribe({ groupId: group, topics: ['t'], eachBatch: async (b) => void got.push(...b.messages) });
  let last = -1;
  while (got.length !== last) {
    last = got.length;
    await new Promise((r) => setTimeout(r, 100));
  }
  await sub.stop();
  return got;
}

describe('segmentsToDelete', () => {
  const seg = (bytes: number, lastTs: number) => ({ bytes, lastTs });
  it('deletes whole oldest segments by age, never the active one', () => {
    expect(segmentsToDelete([seg(10, 100), seg(10, 200), seg(10, 300)], 1000, { ms: 750, bytes: 0 })).toBe(2);
    expect(segmentsToDelete([seg(10, 100)], 10_000, { ms: 1, bytes: 0 })).toBe(0);
    expect(segmentsToDelete([seg(10, 100), seg(10, 900)], 1000, { ms: 500, bytes: 0 })).toBe(1);
  });
  it('deletes oldest segments while the partition is over its size', () => {
    expect(segmentsToDelete([seg(10, 1), seg(10, 2), seg(10, 3), seg(10, 4)], 5, { ms: 0, bytes: 25 })).toBe(2);
    expect(segmentsToDelete([seg(10, 1), seg(10, 2)], 5, { ms: 0, bytes: 25 })).toBe(0);
  });
  it('keeps everything without retention', () => {
    expect(segmentsToDelete([seg(1e12, 0), seg(1, 0)], 1e15, { ms: 0, bytes: 0 })).toBe(0);
  });
});

describe('InProcessBus retention', () => {
  it('rolls segments and deletes whole old ones by size; a group behind resumes at the log start', async () => {
    const dir = tmp();
    const clock = manualClock(1_000_000);
    const opts = { clock, dir, segmentBytes: 2048, retention: { bytes: 8192 }, retentionCheckMs: 0 };
    let bus = new InProcessBus(opts);
    await bus.ensureTopic('t', 1);
    for (let i = 0; i < 20; i++) await bus.publish('t', records(i * 10, 10));
    const files = readdirSync(join(dir, 't-0'));
    // ~110 bytes a record, 200 records: ~22 KB written, at most 8 KiB plus the active segment kept.
    expect(files.length).toBeLessThanOrEqual(6);
    const got = await drain(bus, 'never-committed');
    expect(got[0].offset).toBeGreaterThan(0);
    expect(got[got.length - 1].offset).toBe(199);
    expect(got.map((m) => m.offset)).toEqual(Array.from({ length: got.length }, (_, i) => got[0].offset + i));
    const start = got[0].offset;
    await bus.close();
    bus = new InProcessBus(opts);
    await bus.publish('t', records(200, 1));
    const again = await drain(bus, 'after-restart');
    expect(again[0].offset).toBeGreaterThanOrEqual(start);
    expect(again[again.length - 1].offset).toBe(200);
    await bus.close();
  });

  it('deletes segments older than the time retention, keeps the active one and never loses offsets', async () => {
    const dir = tmp();
    const clock = manualClock(1_000_000);
    const bus = new InProcessBus({ clock, dir, segmentBytes: 1024, retention: { ms: 3600_000 }, retentionCheckMs: 0 });
    await bus.ensureTopic('t', 1);
    for (let i = 0; i < 5; i++) await bus.publish('t', records(i * 10, 10));
    clock.advance(2 * 3600_000);
    expect(bus.applyRetention()).toBeGreaterThan(0);
    await bus.publish('t', records(50, 1));
    const got = await drain(bus, 'g');
    expect(got[got.length - 1].offset).toBe(50);
    expect(got[0].offset).toBeGreaterThan(0);
    await bus.close();
  });

  it('keeps everything and every group reads from 0 without retention', async () => {
    const dir = tmp();
    const bus = new InProcessBus({ clock: manualClock(1), dir, segmentBytes: 1024 });
    await bus.ensureTopic('t', 1);
    for (let i = 0; i < 5; i++) await bus.publish('t', records(i * 10, 10));
    expect(bus.applyRetention()).toBe(0);
    const got = await drain(bus, 'g');
    expect(got.map((m) => m.offset)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    await bus.close();
  });

  it('reads a log written before segments existed as its first segment and appends after it', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'topics.json'), JSON.stringify({ t: 1 }));
    writeFileSync(join(dir, 't-0.log'), ['0\t5\t"k"\t{"n":0}', '1\t5\t"k"\t{"n":1}', ''].join('\n'));
    const bus = new InProcessBus({ clock: manualClock(10), dir });
    await bus.publish('t', records(2, 1));
    const got = await drain(bus, 'g');
    expect(got.map((m) => m.offset)).toEqual([0, 1, 2]);
    expect(existsSync(join(dir, 't-0.log'))).toBe(true);
    await bus.close();
  });
});
