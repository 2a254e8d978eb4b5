/**
 * SLA breach prediction (issue 5, item 4). Pure: from a queue's order, the
 * group's free slots now and its recent service rate, the predicted start of
 * each queued conversation. Position p (0-based) starts at once when p <
 * free slots; otherwise it waits for (p - free + 1) more services at `ratePerMin`.
 * No free slot and no recent service: the wait is unbounded (Infinity).
 */
export interface WaitInput {
  now: number;
  /** Free slots of the group's online agents now. */
  freeSlots: number;
  /** Conversations the group took per minute, averaged over the recent window. */
  ratePerMin: number;
}

export function predictedStart(position: number, w: WaitInput): number {
  const ahead = position - w.freeSlots + 1;
  if (ahead <= 0) return w.now;
  if (w.ratePerMin <= 0) return Infinity;
  return w.now + (ahead / w.ratePerMin) * 60_000;
}

/** True when the predicted start is after the SLA due time (no due time: never). */
export function breachPredicted(position: number, slaDueAt: number | null, w: WaitInput): boolean {
  return slaDueAt !== null && predictedStart(position, w) > slaDueAt;
}

/** Service rate from per-minute assignment counts (oldest first) over `minutes` minutes. */
export function ratePerMinute(counts: readonly number[], minutes: number): number {
  return minutes > 0 ? counts.reduce((a, b) => a + b, 0) / minutes : 0;
}
