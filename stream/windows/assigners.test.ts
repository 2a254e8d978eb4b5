import { describe, expect, it } from 'vitest';
import { calendarDay, session, sliding, tumbling } from './assigners.js';
import { localDayWindow, offsetAt, startOfLocalDay } from '../../shared/time-zone.js';

const H = 3_600_000;
const MIN = 60_000;
const iso = (t: number) => new Date(t).toISOString();

describe('tumbling', () => {
  it('assigns one window, start inclusive, end exclusive', () => {
    const a = tumbling(MIN);
    expect(a.assign(0)).toEqual([{ start: 0, end: MIN }]);
    expect(a.assign(MIN - 1)).toEqual([{ start: 0, end: MIN }]);
    expect(a.assign(MIN)).toEqual([{ start: MIN, end: 2 * MIN }]);
  });
  it('handles negative times and offsets', () => {
    expect(tumbling(10).assign(-1)).toEqual([{ start: -10, end: 0 }]);
    expect(tumbling(10, 3).assign(2)).toEqual([{ start: -7, end: 3 }]);
    expect(tumbling(10, 3).assign(3)).toEqual([{ start: 3, end: 13 }]);
  });
  it('rejects bad sizes', () => {
    expect(() => tumbling(0)).toThrow(RangeError);
    expect(() => tumbling(1.5)).toThrow(RangeError);
  });
});

describe('sliding', () => {
  it('assigns size/slide windows that contain t', () => {
    expect(sliding(10, 5).assign(7)).toEqual([
      { start: 0, end: 10 },
      { start: 5, end: 15 },
    ]);
    expect(sliding(10, 5).assign(10)).toEqual([
      { start: 5, end: 15 },
      { start: 10, end: 20 },
    ]);
  });
  it('every window returned contains t and none is missed', () => {
    const a = sliding(7, 3);
    for (let t = -20; t < 20; t++) {
      const ws = a.assign(t);
      for (const w of ws) expect(w.start <= t && t < w.end).toBe(true);
      const expected = [];
      for (let s = -30; s <= 30; s += 3) if (s <= t && t < s + 7) expected.push({ start: s, end: s + 7 });
      expect(ws).toEqual(expected);
    }
  });
  it('slide larger than size leaves gaps (no window)', () => {
    expect(sliding(2, 5).assign(3)).toEqual([]);
    expect(sliding(2, 5).assign(5)).toEqual([{ start: 5, end: 7 }]);
  });
});

describe('session', () => {
  it('carries its gap', () => {
    expect(session(30 * MIN)).toMatchObject({ kind: 'session', gapMs: 30 * MIN });
    expect(() => session(-1)).toThrow(RangeError);
  });
});

describe('calendar days', () => {
  it('defaults to Asia/Shanghai (UTC+8, no DST)', () => {
    const a = calendarDay();
    expect(a.name).toBe('day(Asia/Shanghai)');
    const [w] = a.assign(Date.parse('2024-01-01T00:00:00Z')); // 08:00 local on Jan 1
    expect(iso(w.start)).toBe('2023-12-31T16:00:00.000Z');
    expect(iso(w.end)).toBe('2024-01-01T16:00:00.000Z');
    // local midnight belongs to the new day; one ms before to the old one
    expect(a.assign(w.end)[0].start).toBe(w.end);
    expect(a.assign(w.end - 1)[0]).toEqual(w);
    expect(a.assign(w.start)[0]).toEqual(w);
  });
  it('New York spring-forward day is 23 h and fall-back day is 25 h', () => {
    const a = calendarDay('America/New_York');
    const [spring] = a.assign(Date.parse('2024-03-10T12:00:00Z'));
    expect(iso(spring.start)).toBe('2024-03-10T05:00:00.000Z');
    expect(spring.end - spring.start).toBe(23 * H);
    const [fall] = a.assign(Date.parse('2024-11-03T12:00:00Z'));
    expect(iso(fall.start)).toBe('2024-11-03T04:00:00.000Z');
    expect(fall.end - fall.start).toBe(25 * H);
    const [plain] = a.assign(Date.parse('2024-07-01T12:00:00Z'));
    expect(plain.end - plain.start).toBe(24 * H);
    // the repeated hour 01:00–02:00 on fall-back day belongs to that day both times
    expect(a.assign(Date.parse('2024-11-03T05:30:00Z'))[0]).toEqual(fall);
    expect(a.assign(Date.parse('2024-11-03T06:30:00Z'))[0]).toEqual(fall);
  });
  it('a zone that skips midnight starts the day at the transition (Santiago, 00:00 → 01:00)', () => {
    const [w] = calendarDay('America/Santiago').assign(Date.parse('2024-09-08T12:00:00Z'));
    expect(iso(w.start)).toBe('2024-09-08T04:00:00.000Z');
    expect(w.end - w.start).toBe(23 * H);
  });
  it('handles fractional offsets (Kathmandu +05:45)', () => {
    const [w] = calendarDay('Asia/Kathmandu').assign(Date.parse('2024-05-01T00:00:00Z'));
    expect(iso(w.start)).toBe('2024-04-30T18:15:00.000Z');
  });
  it('consecutive days tile the timeline over a whole year in New York', () => {
    let start = localDayWindow(Date.parse('2024-01-01T12:00:00Z'), 'America/New_York').start;
    const lengths = new Map<number, number>();
    for (let i = 0; i < 366; i++) {
      const w = localDayWindow(start, 'America/New_York');
      expect(w.start).toBe(start);
      lengths.set(w.end - w.start, (lengths.get(w.end - w.start) ?? 0) + 1);
      start = w.end;
    }
    expect(Object.fromEntries(lengths)).toEqual({ [24 * H]: 364, [23 * H]: 1, [25 * H]: 1 });
  });
  it('offsets and day starts agree', () => {
    expect(offsetAt(0, 'Asia/Shanghai')).toBe(8 * H);
    expect(offsetAt(Date.parse('2024-07-01T00:00:00Z'), 'America/New_York')).toBe(-4 * H);
    expect(startOfLocalDay(0, 'UTC')).toBe(0);
  });
  it('rejects unknown zones', () => {
    expect(() => calendarDay('Mars/Olympus')).toThrow(RangeError);
  });
});
