import { describe, expect, it } from 'vitest';
import { session, tumbling } from './assigners.js';
import { initialState, step, stepAll, type WindowConfig, type WindowInput, type WindowOutput } from './aggregator.js';
import { count, max, min, record, sum } from './monoids.js';

const ev = (id: string, time: number, value = 1, key = 'web'): WindowInput<number> => ({ kind: 'event', event: { id, key, time, value } });
const stats = record<number, { n: number; total: number; lo: number | null; hi: number | null }>({ n: count, total: sum, lo: min, hi: max });

function run<V, A>(cfg: WindowConfig<V, A>, inputs: WindowInput<V>[]): WindowOutput<V, A>[] {
  return stepAll(cfg, initialState<A>(), inputs).outputs;
}

describe('monoids', () => {
  it('count, sum, min, max and record', () => {
    const a = [3, -1, 7].reduce(stats.add, stats.empty);
    expect(a).toEqual({ n: 3, total: 9, lo: -1, hi: 7 });
    expect(stats.merge(a, stats.empty)).toEqual(a);
    expect(stats.merge(a, stats.add(stats.empty, 10))).toEqual({ n: 4, total: 19, lo: -1, hi: 10 });
    expect(min.merge(null, null)).toBeNull();
  });
});

describe('windowed aggregator (tumbling 10, out-of-orderness 2, lateness 5)', () => {
  const cfg: WindowConfig<number, number> = { assigner: tumbling(10), monoid: sum, outOfOrdernessMs: 2, allowedLatenessMs: 5 };

  it('emits an update with the full value and a growing version per event', () => {
    const out = run(cfg, [ev('a', 1, 4), ev('b', 3, 5)]);
    expect(out).toEqual([
      { kind: 'update', key: 'web', window: { start: 0, end: 10 }, value: 4, version: 1, events: 1 },
      { kind: 'update', key: 'web', window: { start: 0, end: 10 }, value: 9, version: 2, events: 2 },
    ]);
  });

  it('corrects a window within allowed lateness, then finalises it and drops its state', () => {
    // t=13 → watermark 11 (past end 10, not past end + lateness 15): the event at 5 still corrects [0,10)
    const r1 = stepAll(cfg, initialState<number>(), [ev('a', 1), ev('b', 13), ev('c', 5)]);
    expect(r1.outputs.at(-1)).toMatchObject({ kind: 'update', window: { start: 0, end: 10 }, value: 2, version: 2 });
    // t=17 → watermark 15 = end + lateness: final
    const r2 = step(cfg, r1.state, ev('d', 17));
    expect(r2.outputs).toEqual([
      { kind: 'update', key: 'web', window: { start: 10, end: 20 }, value: 2, version: 2, events: 2 },
      { kind: 'final', key: 'web', window: { start: 0, end: 10 }, value: 2, version: 2, events: 2 },
    ]);
    expect([...r2.state.open.get('web')!].map((s) => s.window.start)).toEqual([10]);
    // an event for the finalised window is reported, not dropped
    const r3 = step(cfg, r2.state, ev('e', 9, 7));
    expect(r3.outputs).toEqual([{ kind: 'late', key: 'web', window: { start: 0, end: 10 }, event: { id: 'e', key: 'web', time: 9, value: 7 }, watermark: 15, lateByMs: 0 }]);
  });

  it('an explicit watermark advance finalises idle windows', () => {
    const r = stepAll(cfg, initialState<number>(), [ev('a', 1), { kind: 'watermark', time: 100 }]);
    expect(r.outputs.map((o) => o.kind)).toEqual(['update', 'final']);
    expect(r.state.open.size).toBe(0);
    expect(r.state.watermark).toBe(100);
    // the watermark never goes back
    expect(step(cfg, r.state, { kind: 'watermark', time: 50 }).state.watermark).toBe(100);
  });

  it('keys are windowed independently', () => {
    const out = run(cfg, [ev('a', 1, 1, 'web'), ev('b', 2, 1, 'sms'), ev('c', 3, 1, 'web')]);
    expect(out.map((o) => (o.kind === 'update' ? [o.key, o.value] : null))).toEqual([
      ['web', 1],
      ['sms', 1],
      ['web', 2],
    ]);
  });

  it('never mutates the input state', () => {
    const r1 = stepAll(cfg, initialState<number>(), [ev('a', 1), ev('b', 12)]);
    const snapshot = structuredClone(r1.state);
    step(cfg, r1.state, ev('c', 30));
    step(cfg, r1.state, ev('d', 2));
    expect(r1.state).toEqual(snapshot);
  });
});

describe('session windows (gap 10, no out-of-orderness, lateness 0)', () => {
  const cfg: WindowConfig<number, number> = { assigner: session(10), monoid: count, outOfOrdernessMs: 0, allowedLatenessMs: 0 };

  it('merges overlapping sessions and retracts the absorbed ones', () => {
    const s0 = initialState<number>();
    const cfgLoose = { ...cfg, outOfOrdernessMs: 100 };
    const r = stepAll(cfgLoose, s0, [ev('a', 0), ev('b', 15), ev('c', 8)]);
    expect(r.outputs.slice(2)).toEqual([
      { kind: 'retract', key: 'web', window: { start: 0, end: 10 }, version: 1 },
      { kind: 'retract', key: 'web', window: { start: 15, end: 25 }, version: 1 },
      { kind: 'update', key: 'web', window: { start: 0, end: 25 }, value: 3, version: 2, events: 3 },
    ]);
  });

  it('a gap of exactly `gap` splits sessions', () => {
    const out = run(cfg, [ev('a', 0), ev('b', 10), { kind: 'watermark', time: 1000 }]);
    expect(out.filter((o) => o.kind === 'final').map((o) => o.window)).toEqual([
      { start: 0, end: 10 },
      { start: 10, end: 20 },
    ]);
  });

  it('an event behind watermark − lateness is late even if its own window is not past', () => {
    const out = run(cfg, [ev('a', 0), ev('b', 20), ev('c', 15)]);
    expect(out.at(-1)).toMatchObject({ kind: 'late', window: { start: 15, end: 25 }, watermark: 20, lateByMs: 5 });
  });
});

