import type { EventEnvelope } from '../../shared/envelope.js';
import type { KpiCounters, KpiMinuteRow, LateEventRow } from '../../shared/tables.js';
import { COUNTER_NAMES, contribution } from './counters.js';
import { dimsFromKey, dimsKey, eventDims } from './dims.js';

export const KPI_MINUTE_MS = 60_000;

const minuteOf = (ms: number) => Math.floor(ms / KPI_MINUTE_MS) * KPI_MINUTE_MS;

/**
 * What one bus batch adds to the KPI minutes: the events' contributions summed
 * per event-time minute and dimension tuple, keyed by the batch (partition and
 * first offset). A pure function of the batch's counted events, whatever their
 * age: a late or backfilled event lands in the minute it belongs to, and a
 * replay of the same batch produces the same rows. Readers sum the rows.
 */
export function minuteContributions(partition: number, batchOffset: number, events: readonly EventEnvelope[], version: number): KpiMinuteRow[] {
  const acc = new Map<string, { minute: number; dims: string; c: KpiCounters }>();
  for (const e of events) {
    const minute = minuteOf(e.occurred_at);
    const dims = dimsKey(eventDims(e));
    const k = `${minute}\u001e${dims}`;
    const c = contribution(e);
    const slot = acc.get(k);
    if (!slot) acc.set(k, { minute, dims, c });
    else for (const n of COUNTER_NAMES) slot.c[n] += c[n];
  }
  return [...acc.values()].map(({ minute, dims, c }) => ({ bus_partition: partition, batch_offset: batchOffset, minute, ...dimsFromKey(dims), ...c, version }));
}

export interface LatenessOptions {
  /** Watermark = newest event time seen on the partition − this. */
  outOfOrdernessMs: number;
  /** An event whose minute ended more than this before the watermark is recorded as late. */
  allowedLatenessMs: number;
}

/**
 * Which events arrived after the realtime view had moved on: the watermark
 * (newest event time on the partition − out-of-orderness) had passed the end
 * of their minute + the allowed lateness. A record of how late data arrives
 * (late_events), not an exclusion: the events count in their minute all the
 * same. `maxEventTime` is the partition's newest event time before the batch
 * (null when unknown, e.g. after the state was lost: nothing is late then).
 */
export function lateRecords(
  partition: number,
  maxEventTime: number | null,
  events: readonly EventEnvelope[],
  o: LatenessOptions,
  now: number,
): { maxEventTime: number | null; late: LateEventRow[] } {
  let max = maxEventTime;
  const late: LateEventRow[] = [];
  for (const e of events) {
    if (max !== null) {
      const watermark = max - o.outOfOrdernessMs;
      const start = minuteOf(e.occurred_at);
      const closesAt = start + KPI_MINUTE_MS + o.allowedLatenessMs;
      if (watermark >= closesAt) {
        late.push({
          producer: e.producer,
          id: e.id,
          bus_partition: partition,
          type: e.type,
          channel: e.channel,
          occurred_at: e.occurred_at,
          received_at: e.received_at,
          window_start: start,
          watermark,
          late_by_ms: watermark - closesAt,
          recorded_at: now,
        });
      }
    }
    if (max === null || e.occurred_at > max) max = e.occurred_at;
  }
  return { maxEventTime: max, late };
}
