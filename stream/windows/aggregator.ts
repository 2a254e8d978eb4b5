import type { Assigner, Window } from './assigners.js';
import type { Monoid } from './monoids.js';

/** One input event: `key` partitions windows (e.g. channel), `time` is event time (epoch ms). */
export interface WindowEvent<V> {
  readonly id: string;
  readonly key: string;
  readonly time: number;
  readonly value: V;
}

export type WindowInput<V> = { readonly kind: 'event'; readonly event: WindowEvent<V> } | { readonly kind: 'watermark'; readonly time: number };

export interface WindowConfig<V, A> {
  readonly assigner: Assigner;
  readonly monoid: Monoid<V, A>;
  /** Watermark = max event time seen − outOfOrdernessMs. */
  readonly outOfOrdernessMs: number;
  /** A window stays open (and correctable) until watermark ≥ end + allowedLatenessMs. */
  readonly allowedLatenessMs: number;
}

interface Slot<A> {
  readonly window: Window;
  readonly acc: A;
  readonly version: number;
  readonly events: number;
}

export interface WindowState<A> {
  readonly maxEventTime: number;
  readonly watermark: number;
  /** Open windows per key, ordered by start. */
  readonly open: ReadonlyMap<string, readonly Slot<A>[]>;
}

export type WindowOutput<V, A> =
  /** The window's full new value; a sink keeps the highest version per (key, window). */
  | { readonly kind: 'update'; readonly key: string; readonly window: Window; readonly value: A; readonly version: number; readonly events: number }
  /** Last word on a window: watermark passed end + allowed lateness; its state is dropped. */
  | { readonly kind: 'final'; readonly key: string; readonly window: Window; readonly value: A; readonly version: number; readonly events: number }
  /** A session window absorbed into a larger one by a merge: a sink deletes it. */
  | { readonly kind: 'retract'; readonly key: string; readonly window: Window; readonly version: number }
  /** An event too late for `window` (already finalised): for the late-data table, never dropped silently. */
  | { readonly kind: 'late'; readonly key: string; readonly window: Window; readonly event: WindowEvent<V>; readonly watermark: number; readonly lateByMs: number };

export interface StepResult<V, A> {
  readonly state: WindowState<A>;
  readonly outputs: WindowOutput<V, A>[];
}

export function initialState<A>(): WindowState<A> {
  return { maxEventTime: -Infinity, watermark: -Infinity, open: new Map() };
}

/** Pure step over one input. */
export function step<V, A>(cfg: WindowConfig<V, A>, state: WindowState<A>, input: WindowInput<V>): StepResult<V, A> {
  return stepAll(cfg, state, [input]);
}

/**
 * Pure step over a batch: same result as stepping each input in turn (the
 * input state is never mutated; the open-window map is copied once per batch).
 */
export function stepAll<V, A>(cfg: WindowConfig<V, A>, state: WindowState<A>, inputs: readonly WindowInput<V>[]): StepResult<V, A> {
  const open = new Map(state.open);
  let { maxEventTime, watermark } = state;
  const outputs: WindowOutput<V, A>[] = [];
  // The earliest end among open windows: finalising scans every key, so it runs only when that end has
  // passed (with many keys a scan per watermark step would dominate the batch).
  let earliestEnd = earliestOpenEnd(open);
  for (const input of inputs) {
    if (input.kind === 'event') {
      const e = input.event;
      if (!Number.isFinite(e.time)) throw new RangeError(`event ${e.id}: time must be finite`);
      const before = outputs.length;
      addEvent(cfg, open, watermark, e, outputs);
      for (let i = before; i < outputs.length; i++) {
        const o = outputs[i];
        if (o.kind === 'update') earliestEnd = Math.min(earliestEnd, o.window.end);
      }
      maxEventTime = Math.max(maxEventTime, e.time);
    }
    const next = Math.max(watermark, maxEventTime - cfg.outOfOrdernessMs, input.kind === 'watermark' ? input.time : -Infinity);
    if (next > watermark) {
      watermark = next;
      if (isClosed({ start: earliestEnd, end: earliestEnd }, watermark, cfg.allowedLatenessMs)) {
        finalise(cfg, open, watermark, outputs);
        earliestEnd = earliestOpenEnd(open);
      }
    }
  }
  return { state: { maxEventTime, watermark, open }, outputs };
}

function earliestOpenEnd<A>(open: ReadonlyMap<string, readonly Slot<A>[]>): number {
  let end = Infinity;
  for (const slots of open.values()) for (const sl of slots) if (sl.window.end < end) end = sl.window.end;
  return end;
}

/** Whether a window is finalised at `watermark`. */
export function isClosed(window: Window, watermark: number, allowedLatenessMs: number): boolean {
  return watermark >= window.end + allowedLatenessMs;
}

function addEvent<V, A>(cfg: WindowConfig<V, A>, open: Map<string, readonly Slot<A>[]>, watermark: number, e: WindowEvent<V>, out: WindowOutput<V, A>[]): void {
  const L = cfg.allowedLatenessMs;
  const slots = [...(open.get(e.key) ?? [])];
  if (cfg.assigner.kind === 'fixed') {
    for (const w of cfg.assigner.assign(e.time)) {
      if (isClosed(w, watermark, L)) {
        out.push({ kind: 'late', key: e.key, window: w, event: e, watermark, lateByMs: watermark - (w.end + L) });
        continue;
      }
      const i = slots.findIndex((s) => s.window.start === w.start && s.window.end === w.end);
      const prev = i >= 0 ? slots[i] : { window: w, acc: cfg.monoid.empty, version: 0, events: 0 };
      const slot = { window: w, acc: cfg.monoid.add(prev.acc, e.value), version: prev.version + 1, events: prev.events + 1 };
      if (i >= 0) slots[i] = slot;
      else slots.push(slot);
      out.push({ kind: 'update', key: e.key, window: w, value: slot.acc, version: slot.version, events: slot.events });
    }
    slots.sort((a, b) => a.window.start - b.window.start || a.window.end - b.window.end);
  } else {
    const proto = { start: e.time, end: e.time + cfg.assigner.gapMs };
    // Late when the event itself is behind watermark − lateness: it could belong to a session already finalised.
    if (watermark > e.time + L) {
      out.push({ kind: 'late', key: e.key, window: proto, event: e, watermark, lateByMs: watermark - (e.time + L) });
      return;
    }
    const overlapping = slots.filter((s) => s.window.start < proto.end && proto.start < s.window.end);
    const merged = overlapping.reduce(
      (m, s) => ({
        window: { start: Math.min(m.window.start, s.window.start), end: Math.max(m.window.end, s.window.end) },
        acc: cfg.monoid.merge(m.acc, s.acc),
        version: Math.max(m.version, s.version),
        events: m.events + s.events,
      }),
      { window: proto, acc: cfg.monoid.add(cfg.monoid.empty, e.value), version: 0, events: 1 },
    );
    const slot = { ...merged, version: merged.version + 1 };
    for (const s of overlapping) {
      if (s.window.start !== slot.window.start || s.window.end !== slot.window.end) out.push({ kind: 'retract', key: e.key, window: s.window, version: s.version });
    }
    const kept = slots.filter((s) => !overlapping.includes(s));
    kept.push(slot);
    kept.sort((a, b) => a.window.start - b.window.start);
    slots.length = 0;
    slots.push(...kept);
    out.push({ kind: 'update', key: e.key, window: slot.window, value: slot.acc, version: slot.version, events: slot.events });
  }
  if (slots.length) open.set(e.key, slots);
  else open.delete(e.key);
}

function finalise<V, A>(cfg: WindowConfig<V, A>, open: Map<string, readonly Slot<A>[]>, watermark: number, out: WindowOutput<V, A>[]): void {
  const done: Array<{ key: string; slot: Slot<A> }> = [];
  for (const [key, slots] of open) {
    if (!slots.some((s) => isClosed(s.window, watermark, cfg.allowedLatenessMs))) continue;
    const rest = slots.filter((s) => {
      if (!isClosed(s.window, watermark, cfg.allowedLatenessMs)) return true;
      done.push({ key, slot: s });
      return false;
    });
    if (rest.length) open.set(key, rest);
    else open.delete(key);
  }
  done.sort((a, b) => a.slot.window.end - b.slot.window.end || a.slot.window.start - b.slot.window.start || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (const { key, slot } of done) out.push({ kind: 'final', key, window: slot.window, value: slot.acc, version: slot.version, events: slot.events });
}
