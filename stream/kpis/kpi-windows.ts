import type { EventEnvelope } from '../../shared/envelope.js';
import type { KpiCounters, KpiMinuteRow, LateEventRow } from '../../warehouse/kpi-rows.js';
import { stepAll, tumbling, type WindowConfig, type WindowInput, type WindowState } from '../windows/index.js';
import { countersMonoid } from './counters.js';
import { dimsFromKey } from './dims.js';

export const KPI_WINDOW_MS = 60_000;

export interface KpiWindowOptions {
  /** Watermark = latest event time seen on the partition − this. */
  outOfOrdernessMs: number;
  /** A minute stays correctable until the watermark passes its end + this; later events go to late_events. */
  allowedLatenessMs: number;
}

export const kpiWindowConfig = (o: KpiWindowOptions): WindowConfig<KpiCounters, KpiCounters> => ({
  assigner: tumbling(KPI_WINDOW_MS),
  monoid: countersMonoid,
  outOfOrdernessMs: o.outOfOrdernessMs,
  allowedLatenessMs: o.allowedLatenessMs,
});

/** JSON form of a partition's window state (Maps and ±Infinity do not survive JSON as they are). */
interface StoredWindows {
  max: number | null;
  wm: number | null;
  open: Array<[string, Array<{ window: { start: number; end: number }; acc: KpiCounters; version: number; events: number }>]>;
}

export function encodeWindows(s: WindowState<KpiCounters>): string {
  const fin = (n: number) => (Number.isFinite(n) ? n : null);
  const stored: StoredWindows = { max: fin(s.maxEventTime), wm: fin(s.watermark), open: [...s.open].map(([k, v]) => [k, [...v]]) };
  return JSON.stringify(stored);
}

export function decodeWindows(json: string | null): WindowState<KpiCounters> {
  if (!json) return { maxEventTime: -Infinity, watermark: -Infinity, open: new Map() };
  const s = JSON.parse(json) as StoredWindows;
  return { maxEventTime: s.max ?? -Infinity, watermark: s.wm ?? -Infinity, open: new Map(s.open) };
}

export interface WindowedBatch {
  state: WindowState<KpiCounters>;
  /** The newest value of every minute the batch touched. */
  rows: KpiMinuteRow[];
  late: LateEventRow[];
}

/**
 * Runs one partition's batch through the minute windows: each event's
 * contribution goes to its (dims, minute) window; the newest version of each
 * touched window becomes a kpi_minute row; events for windows already final
 * become late_events rows.
 */
export function windowBatch(
  cfg: WindowConfig<KpiCounters, KpiCounters>,
  partition: number,
  state: WindowState<KpiCounters>,
  inputs: ReadonlyArray<{ event: EventEnvelope; key: string; value: KpiCounters }>,
  now: number,
): WindowedBatch {
  const byRef = new Map<string, EventEnvelope>();
  const windowInputs: WindowInput<KpiCounters>[] = inputs.map(({ event, key, value }) => {
    const id = `${event.producer}/${event.id}`;
    byRef.set(id, event);
    return { kind: 'event', event: { id, key, time: event.occurred_at, value } };
  });
  const out = stepAll(cfg, state, windowInputs);
  // Every event emits its window's full value; only the newest per window becomes a row.
  const newest = new Map<string, Extract<(typeof out.outputs)[number], { kind: 'update' | 'final' }>>();
  const late: LateEventRow[] = [];
  for (const o of out.outputs) {
    if (o.kind === 'update' || o.kind === 'final') {
      const prev = newest.get(`${o.key}\u001e${o.window.start}`);
      if (!prev || o.version > prev.version) newest.set(`${o.key}\u001e${o.window.start}`, o);
    } else if (o.kind === 'late') {
      const e = byRef.get(o.event.id)!;
      late.push({
        producer: e.producer,
        id: e.id,
        bus_partition: partition,
        type: e.type,
        channel: e.channel,
        occurred_at: e.occurred_at,
        received_at: e.received_at,
        window_start: o.window.start,
        watermark: o.watermark,
        late_by_ms: o.lateByMs,
        recorded_at: now,
      });
    }
  }
  const rows: KpiMinuteRow[] = [...newest.values()].map((o) => ({ bus_partition: partition, minute: o.window.start, ...dimsFromKey(o.key), ...o.value, version: o.version }));
  return { state: out.state, rows, late };
}
