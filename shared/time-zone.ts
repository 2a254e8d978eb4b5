/**
 * Calendar days in an IANA time zone, found with Intl only (no tz library).
 * A local day is the half-open interval [first instant whose local date is D,
 * first instant whose local date is D+1): 24 h usually, 23 h / 25 h on DST
 * days, and correct when a zone skips local midnight itself (the day then
 * starts at the transition, e.g. 01:00).
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** True when the runtime knows the IANA zone name (e.g. Asia/Shanghai, Asia/Kolkata, UTC). */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** Throws a RangeError for an unknown zone name (Intl's own check). */
export function assertTimeZone(timeZone: string): void {
  formatter(timeZone);
}

/** Local wall-clock fields of instant `t` (ms since epoch) in `timeZone`. */
export function localParts(t: number, timeZone: string): { year: number; month: number; day: number; hour: number; minute: number; second: number } {
  const out = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const p of formatter(timeZone).formatToParts(t)) {
    if (p.type in out) out[p.type as keyof typeof out] = Number(p.value);
  }
  return out;
}

/** UTC offset (ms) of `timeZone` at instant `t`: local wall clock minus UTC. */
export function offsetAt(t: number, timeZone: string): number {
  const s = Math.floor(t / 1000) * 1000;
  const p = localParts(s, timeZone);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - s;
}

/** Local date of `t` as a day number (days since 1970-01-01 of the local calendar). */
export function localDayNumber(t: number, timeZone: string): number {
  const p = localParts(t, timeZone);
  return Math.round(Date.UTC(p.year, p.month - 1, p.day) / 86_400_000);
}

const dayStarts = new Map<string, number>();

/** First instant whose local date (in `timeZone`) is day number `day`. */
export function startOfLocalDay(day: number, timeZone: string): number {
  const cacheKey = `${timeZone}|${day}`;
  const hit = dayStarts.get(cacheKey);
  if (hit !== undefined) return hit;
  const utcMidnight = day * 86_400_000;
  // Fast path: local midnight exists and two offset look-ups find it.
  let u = utcMidnight - offsetAt(utcMidnight, timeZone);
  u = utcMidnight - offsetAt(u, timeZone);
  let start: number;
  if (localDayNumber(u, timeZone) === day && localDayNumber(u - 1, timeZone) < day) {
    start = u;
  } else {
    // Midnight skipped (or odd offsets): binary search the first instant of `day`, to the second.
    let lo = Math.floor((utcMidnight - 16 * 3_600_000) / 1000); // local day < `day` here (offsets are within ±15 h)
    let hi = Math.floor((utcMidnight + 16 * 3_600_000) / 1000); // local day ≥ `day` here
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (localDayNumber(mid * 1000, timeZone) >= day) hi = mid;
      else lo = mid;
    }
    start = hi * 1000;
  }
  if (dayStarts.size > 50_000) dayStarts.clear();
  dayStarts.set(cacheKey, start);
  return start;
}

/** The local calendar day containing `t`: [start, end) in epoch ms. */
export function localDayWindow(t: number, timeZone: string): { start: number; end: number } {
  const day = localDayNumber(t, timeZone);
  return { start: startOfLocalDay(day, timeZone), end: startOfLocalDay(day + 1, timeZone) };
}
