import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { calendarDay, session, sliding, tumbling, type Assigner } from './assigners.js';
import { initialState, stepAll, type WindowConfig, type WindowInput, type WindowOutput } from './aggregator.js';
import { contramap, count, max, min, record, sum, type Monoid } from './monoids.js';

type V = { id: string; n: number };
/** Sorted id lists: lets the properties see exactly which events a window counted. */
const ids: Monoid<string, string[]> = { empty: [], add: (a, v) => [...a, v].sort(), merge: (a, b) => [...a, ...b].sort() };
const agg = record<V, { n: number; total: number; lo: number | null; hi: number | null; ids: string[] }>({
  n: count,
  total: contramap(sum, (v: V) => v.n),
  lo: contramap(min, (v: V) => v.n),
  hi: contramap(max, (v: V) => v.n),
  ids: contramap(ids, (v: V) => v.id),
});
type A = typeof agg.empty;
type Cfg = WindowConfig<V, A>;

const H = 3_600_000;
const NY_BASE = Date.parse('2024-03-07T00:00:00Z'); // the 200 h span covers the spring-forward day
const assignerArb: fc.Arbitrary<{ assigner: Assigner; scale: number; base: number }> = fc.oneof(
  fc.integer({ min: 1, max: 50 }).map((s) => ({ assigner: tumbling(s), scale: 1, base: 0 })),
  fc.tuple(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 30 })).map(([s, h]) => ({ assigner: sliding(s, h), scale: 1, base: 0 })),
  fc.integer({ min: 1, max: 40 }).map((g) => ({ assigner: session(g), scale: 1, base: 0 })),
  fc.constantFrom('America/New_York', 'Asia/Shanghai').map((tz) => ({ assigner: calendarDay(tz), scale: H, base: NY_BASE })),
);

/** Events with distinct ids, arriving in order of time + a random delay; occasional explicit watermarks. */
const scenarioArb = fc
  .record({
    a: assignerArb,
    ooo: fc.integer({ min: 0, max: 30 }),
    lateness: fc.integer({ min: 0, max: 30 }),
    raw: fc.array(fc.record({ key: fc.constantFrom('web', 'sms'), t: fc.integer({ min: 0, max: 200 }), n: fc.integer({ min: -50, max: 50 }), delay: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 120 })) }), { maxLength: 60 }),
    marks: fc.array(fc.record({ at: fc.nat(), t: fc.integer({ min: 0, max: 250 }) }), { maxLength: 3 }),
  })
  .map(({ a, ooo, lateness, raw, marks }) => {
    const cfg: Cfg = { assigner: a.assigner, monoid: agg, outOfOrdernessMs: ooo * a.scale, allowedLatenessMs: lateness * a.scale };
    const ordered = raw.map((r, i) => ({ ...r, i })).sort((x, y) => x.t + x.delay - (y.t + y.delay) || x.i - y.i);
    const inputs: WindowInput<V>[] = ordered.map((r) => ({ kind: 'event', event: { id: `e${r.i}`, key: r.key, time: a.base + r.t * a.scale, value: { id: `e${r.i}`, n: r.n } } }));
    for (const m of marks) inputs.splice(m.at % (inputs.length + 1), 0, { kind: 'watermark', time: a.base + m.t * a.scale });
    return { cfg, inputs };
  });

const wkey = (key: string, w: { start: number; end: number }) => `${key}|${w.start}|${w.end}`;
const END: WindowInput<V> = { kind: 'watermark', time: Infinity };

/** Independent oracle: replays the watermark to decide lateness, then batch-aggregates the rest. */
function batch(cfg: Cfg, inputs: WindowInput<V>[]): { finals: Map<string, A>; latePairs: string[] } {
  let wm = -Infinity;
  let maxT = -Infinity;
  const kept: Array<{ key: string; w: { start: number; end: number } | null; id: string; time: number; v: V }> = [];
  const latePairs: string[] = [];
  for (const inp of inputs) {
    if (inp.kind === 'watermark') {
      wm = Math.max(wm, inp.time);
      continue;
    }
    const e = inp.event;
    if (cfg.assigner.kind === 'fixed') {
      for (const w of cfg.assigner.assign(e.time)) {
        if (wm >= w.end + cfg.allowedLatenessMs) latePairs.push(`${e.id}@${wkey(e.key, w)}`);
        else kept.push({ key: e.key, w, id: e.id, time: e.time, v: e.value });
      }
    } else if (wm > e.time + cfg.allowedLatenessMs) latePairs.push(`${e.id}@${wkey(e.key, { start: e.time, end: e.time + cfg.assigner.gapMs })}`);
    else kept.push({ key: e.key, w: null, id: e.id, time: e.time, v: e.value });
    maxT = Math.max(maxT, e.time);
    wm = Math.max(wm, maxT - cfg.outOfOrdernessMs);
  }
  const finals = new Map<string, A>();
  const add = (k: string, v: V) => finals.set(k, agg.add(finals.get(k) ?? agg.empty, v));
  if (cfg.assigner.kind === 'fixed') for (const x of kept) add(wkey(x.key, x.w!), x.v);
  else {
    const gap = cfg.assigner.gapMs;
    for (const key of new Set(kept.map((x) => x.key))) {
      const evs = kept.filter((x) => x.key === key).sort((x, y) => x.time - y.time);
      let group: typeof evs = [];
      const flush = () => group.length && finals.set(wkey(key, { start: group[0].time, end: group.at(-1)!.time + gap }), group.reduce((a, x) => agg.add(a, x.v), agg.empty));
      for (const x of evs) {
        if (group.length && x.time - group.at(-1)!.time >= gap) {
          flush();
          group = [];
        }
        group.push(x);
      }
      flush();
    }
  }
  return { finals, latePairs: latePairs.sort() };
}

function finalsOf(outs: WindowOutput<V, A>[]): Map<string, A> {
  const m = new Map<string, A>();
  for (const o of outs) if (o.kind === 'final') m.set(wkey(o.key, o.window), o.value);
  return m;
}

/** A sink that keeps the newest version per window and deletes retracted windows. */
function sinkOf(outs: WindowOutput<V, A>[]): Map<string, A> {
  const m = new Map<string, { v: A; version: number }>();
  for (const o of outs) {
    const k = wkey(o.key, o.window);
    if (o.kind === 'retract') m.delete(k);
    else if ((o.kind === 'update' || o.kind === 'final') && o.version >= (m.get(k)?.version ?? 0)) m.set(k, { v: o.value, version: o.version });
  }
  return new Map([...m].map(([k, x]) => [k, x.v]));
}

const sorted = (m: Map<string, A>) => [...m].sort(([a], [b]) => (a < b ? -1 : 1));
const params = { numRuns: 300 };

describe('windowed aggregator properties', () => {
  it('(a) final values equal a batch recomputation over exactly the non-late events (also as a newest-version sink sees them)', () => {
    fc.assert(
      fc.property(scenarioArb, ({ cfg, inputs }) => {
        const { outputs, state } = stepAll(cfg, initialState<A>(), [...inputs, END]);
        const expected = sorted(batch(cfg, inputs).finals);
        expect(sorted(finalsOf(outputs))).toEqual(expected);
        expect(sorted(sinkOf(outputs))).toEqual(expected);
        expect(state.open.size).toBe(0);
        expect(outputs.filter((o) => o.kind === 'late').map((o) => o.kind === 'late' && `${o.event.id}@${wkey(o.key, o.window)}`).sort()).toEqual(batch(cfg, inputs).latePairs);
      }),
      params,
    );
  });

  it('(b) every (event, window) pair is accounted for exactly once: in a final value or as a late output', () => {
    fc.assert(
      fc.property(scenarioArb, ({ cfg, inputs }) => {
        const { outputs } = stepAll(cfg, initialState<A>(), [...inputs, END]);
        const seen: string[] = [];
        for (const o of outputs) {
          if (o.kind === 'final') for (const id of o.value.ids) seen.push(cfg.assigner.kind === 'fixed' ? `${id}@${wkey(o.key, o.window)}` : id);
          if (o.kind === 'late') seen.push(cfg.assigner.kind === 'fixed' ? `${o.event.id}@${wkey(o.key, o.window)}` : o.event.id);
        }
        const expected: string[] = [];
        for (const i of inputs) {
          if (i.kind !== 'event') continue;
          if (cfg.assigner.kind === 'fixed') for (const w of cfg.assigner.assign(i.event.time)) expected.push(`${i.event.id}@${wkey(i.event.key, w)}`);
          else expected.push(i.event.id);
        }
        expect(seen.sort()).toEqual(expected.sort());
      }),
      params,
    );
  });

  it('(c) session windows equal batch sessionisation (sort, split at gaps ≥ gap) of the non-late events', () => {
    const sessionScenario = scenarioArb.filter(({ cfg }) => cfg.assigner.kind === 'session');
    fc.assert(
      fc.property(sessionScenario, ({ cfg, inputs }) => {
        const { outputs } = stepAll(cfg, initialState<A>(), [...inputs, END]);
        const finals = sorted(finalsOf(outputs));
        expect(finals).toEqual(sorted(batch(cfg, inputs).finals));
        // sessions of a key never overlap and are separated by at least nothing (touching allowed)
        const byKey = new Map<string, Array<[number, number]>>();
        for (const [k] of finals) {
          const [key, s, e] = k.split('|');
          byKey.set(key, [...(byKey.get(key) ?? []), [Number(s), Number(e)]]);
        }
        for (const ws of byKey.values()) {
          ws.sort((x, y) => x[0] - y[0]);
          for (let i = 1; i < ws.length; i++) expect(ws[i][0]).toBeGreaterThanOrEqual(ws[i - 1][1]);
        }
      }),
      params,
    );
  });

  it('(d) outputs and state do not depend on how the input is cut into batches', () => {
    fc.assert(
      fc.property(scenarioArb, fc.array(fc.nat(), { maxLength: 8 }), ({ cfg, inputs }, cutsRaw) => {
        const all = [...inputs, END];
        const one = stepAll(cfg, initialState<A>(), all);
        const cuts = [...new Set(cutsRaw.map((c) => c % (all.length + 1)))].sort((a, b) => a - b);
        let state = initialState<A>();
        const outputs: WindowOutput<V, A>[] = [];
        let from = 0;
        for (const to of [...cuts, all.length]) {
          const r = stepAll(cfg, state, all.slice(from, to));
          state = r.state;
          outputs.push(...r.outputs);
          from = to;
        }
        expect(outputs).toEqual(one.outputs);
        expect(state).toEqual(one.state);
        // one input at a time, too
        let s1 = initialState<A>();
        const out1: WindowOutput<V, A>[] = [];
        for (const i of all) {
          const r = stepAll(cfg, s1, [i]);
          s1 = r.state;
          out1.push(...r.outputs);
        }
        expect(out1).toEqual(one.outputs);
      }),
      params,
    );
  });
});
