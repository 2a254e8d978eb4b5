import { localParts } from '../../shared/time-zone.js';
import type { FollowupConfig } from './followup-config.js';

const MIN = 60_000;
const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** True when local time `t` in `tz` falls in [start, end) (a window may wrap midnight, e.g. 21:00–09:00). */
export function inQuietHours(t: number, tz: string, q: FollowupConfig['quiet_hours']): boolean {
  if (!q) return false;
  const p = localParts(t, tz);
  const m = p.hour * 60 + p.minute;
  const [s, e] = [minutesOf(q.start), minutesOf(q.end)];
  if (s === e) return false;
  return s < e ? m >= s && m < e : m >= s || m < e;
}

/** The first minute at or after `t` outside the quiet hours (exact across DST changes: it walks minute marks). */
export function afterQuietHours(t: number, tz: string, q: FollowupConfig['quiet_hours']): number {
  if (!inQuietHours(t, tz, q)) return t;
  // At most a day of minutes; jump by the remaining local minutes first, then settle minute by minute.
  const p = localParts(t, tz);
  const m = p.hour * 60 + p.minute;
  const end = minutesOf(q!.end);
  const ahead = (end - m + 1440) % 1440 || 1440;
  let x = Math.floor(t / MIN) * MIN + Math.max(0, ahead - 90) * MIN;
  for (let i = 0; i < 24 * 60 && inQuietHours(x, tz, q); i++) x += MIN;
  return Math.max(x, t);
}

/**
 * When the frequency cap allows the next message: `max` per rolling
 * `per_hours`. `sentAt` are this customer's recent follow-up send times.
 */
export function afterFrequencyCap(t: number, sentAt: readonly number[], cap: FollowupConfig['frequency_cap']): number {
  const windowMs = cap.per_hours * 3600_000;
  const recent = sentAt.filter((s) => s > t - windowMs).sort((a, b) => a - b);
  if (recent.length < cap.max) return t;
  // The oldest message that must leave the window before another may go.
  return recent[recent.length - cap.max] + windowMs;
}

/** The earliest time at or after `t` both the cap and the quiet hours allow. */
export function nextSendTime(t: number, tz: string, sentAt: readonly number[], cfg: Pick<FollowupConfig, 'quiet_hours' | 'frequency_cap'>): number {
  let x = t;
  for (let i = 0; i < 4; i++) {
    const y = afterQuietHours(afterFrequencyCap(x, sentAt, cfg.frequency_cap), tz, cfg.quiet_hours);
    if (y === x) return x;
    x = y;
  }
  return x;
}
