import { assertTimeZone, localDayWindow } from '../../shared/time-zone.js';

/** A time window [start, end) in epoch ms: `end` is exclusive. */
export interface Window {
  readonly start: number;
  readonly end: number;
}

/** Windows whose set does not depend on other events (tumbling, sliding, calendar day). */
export interface FixedAssigner {
  readonly kind: 'fixed';
  readonly name: string;
  /** Every window containing event time `t`, ordered by start. */
  assign(t: number): Window[];
}

/**
 * Session windows: each event opens [t, t + gapMs); overlapping windows of the
 * same key merge. Two events belong to one session iff the gap between them
 * (with no event in between) is < gapMs.
 */
export interface SessionAssigner {
  readonly kind: 'session';
  readonly name: string;
  readonly gapMs: number;
}

export type Assigner = FixedAssigner | SessionAssigner;

function positiveInt(name: string, v: number): void {
  if (!Number.isSafeInteger(v) || v <= 0) throw new RangeError(`${name} must be a positive integer number of ms, got ${v}`);
}

/** Floor of t to the grid offset + k·step. */
function alignDown(t: number, step: number, offset: number): number {
  return Math.floor((t - offset) / step) * step + offset;
}

/** Tumbling windows of `sizeMs`, aligned to the epoch (+ `offsetMs`). */
export function tumbling(sizeMs: number, offsetMs = 0): FixedAssigner {
  positiveInt('sizeMs', sizeMs);
  return {
    kind: 'fixed',
    name: `tumbling(${sizeMs})`,
    assign(t) {
      const start = alignDown(t, sizeMs, offsetMs);
      return [{ start, end: start + sizeMs }];
    },
  };
}

/** Sliding (hopping) windows of `sizeMs`, a new one every `slideMs`; t belongs to about size/slide windows. */
export function sliding(sizeMs: number, slideMs: number, offsetMs = 0): FixedAssigner {
  positiveInt('sizeMs', sizeMs);
  positiveInt('slideMs', slideMs);
  return {
    kind: 'fixed',
    name: `sliding(${sizeMs},${slideMs})`,
    assign(t) {
      const out: Window[] = [];
      for (let start = alignDown(t, slideMs, offsetMs); start > t - sizeMs; start -= slideMs) out.unshift({ start, end: start + sizeMs });
      return out;
    },
  };
}

/** Session windows with inactivity gap `gapMs`. */
export function session(gapMs: number): SessionAssigner {
  positiveInt('gapMs', gapMs);
  return { kind: 'session', name: `session(${gapMs})`, gapMs };
}

export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

/** Calendar-day windows: local midnight to local midnight in `timeZone` (23 h / 25 h on DST days). */
export function calendarDay(timeZone: string = DEFAULT_TIME_ZONE): FixedAssigner {
  assertTimeZone(timeZone);
  return {
    kind: 'fixed',
    name: `day(${timeZone})`,
    assign(t) {
      return [localDayWindow(t, timeZone)];
    },
  };
}
