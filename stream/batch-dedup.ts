import { eventUid } from '../shared/envelope.js';
import type { OffsetEvent } from './metrics/first-metrics.js';

/** What the worker stores under `seen:<uid>`: the partition and offset that counted the event. */
export const seenMark = (partition: number, offset: number): string => `${partition}:${offset}`;

export interface ClassifiedBatch {
  /** Never counted before: folded into everything. */
  fresh: OffsetEvent[];
  /**
   * Counted before at this very offset by an attempt whose contributions the worker discards before writing (a
   * crash after the state write, before the commit): they count again in the additive minutes only.
   */
  replayed: OffsetEvent[];
  /** The same id again at another offset (or twice in the batch), or counted by a worker from before offsets were kept. */
  duplicates: OffsetEvent[];
}

/**
 * Sorts a decoded batch by what the StateStore remembers of each id (`seen`,
 * in the batch's order). Pure: the first occurrence of an id in the batch
 * decides, later ones are duplicates.
 */
export function classifyBatch(partition: number, decoded: readonly OffsetEvent[], seen: ReadonlyArray<string | null>): ClassifiedBatch {
  const out: ClassifiedBatch = { fresh: [], replayed: [], duplicates: [] };
  const inBatch = new Set<string>();
  decoded.forEach((d, i) => {
    const uid = eventUid(d.event);
    if (inBatch.has(uid)) return void out.duplicates.push(d);
    inBatch.add(uid);
    const mark = seen[i];
    if (mark === null || mark === undefined) out.fresh.push(d);
    else if (mark === seenMark(partition, d.offset)) out.replayed.push(d);
    else out.duplicates.push(d);
  });
  return out;
}
